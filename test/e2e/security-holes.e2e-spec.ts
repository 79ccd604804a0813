import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { ADMIN, addSource, admin, ingestConfig, refresh } from '../support/ingest-app';
import { startTestApp, type TestApp } from '../support/test-app';
import { ok } from './helpers';

/**
 * Holes found from outside, each through the real endpoint, a real ingest from the local fixture
 * server and the real database: dates from the far future, markup and bidi overrides in names and
 * headlines, credentials and private addresses in feed URLs, operational fields shown to anyone,
 * and field suggestions that spell out the schema.
 */
describe('security holes', () => {
  let app: TestApp;
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer();
    app = await startTestApp(ingestConfig({ INGEST_ARTICLE_PAGES: 'false' }));
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  const RSS = 'application/rss+xml; charset=utf-8';
  const rss = (items: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Future desk</title><link>${server.url('/')}</link>${items}</channel></rss>`;
  const item = (id: string, title: string, pubDate: string) =>
    `<item><title>${title}</title><link>${server.url(`/future/${id}`)}</link><guid>${id}</guid><pubDate>${pubDate}</pubDate><description>Story ${id}.</description></item>`;

  async function sidebar(sourceId: string): Promise<Array<{ headline: string; publishedAt: string }>> {
    const data = ok(await app.gql(`query($s: ID) { latestFeed(sourceId: $s, first: 10) { edges { node { headline publishedAt } } } }`, { s: sourceId }));
    return data.latestFeed.edges.map((edge: any) => edge.node);
  }

  describe('far-future dates', () => {
    it('clamps a date past the fetch time to the fetch time, records the claim, and lets newer stories above it', async () => {
      const past = 'Wed, 03 Sep 2025 10:00:00 GMT';
      server.setDynamic('future.xml', rss(item('far', 'From the year 9999', 'Fri, 01 Jan 9999 00:00:00 GMT') + item('old', 'An old story', past)), RSS);
      const source = await addSource(app, { name: 'Future desk', feedUrls: [server.url('/dynamic/future.xml')] });

      const before = Date.now();
      const first = await refresh(app, source.id);
      const after = Date.now();
      expect(first.run).toMatchObject({ outcome: 'succeeded', itemsSeen: 2 });
      const [far, old] = await sidebar(source.id);
      expect(far!.headline).toBe('From the year 9999');
      // The fetch time, not 9999: at most the tolerance after the run.
      const farTime = new Date(far!.publishedAt).getTime();
      expect(farTime).toBeGreaterThanOrEqual(before - 1000);
      expect(farTime).toBeLessThanOrEqual(after);
      expect(old).toEqual({ headline: 'An old story', publishedAt: new Date(past).toISOString() });

      // The claim is kept beside the clamped date, on the headline and on its article.
      const [row] = await app.db.manager.query(
        `SELECT f.published_at_claimed AS "itemClaim", a.published_at_claimed AS "articleClaim", a.published_at AS "articleDate"
         FROM feed_item f JOIN article a ON a.id = f.article_id WHERE f.item_key = 'guid:far'`,
      );
      expect(new Date(row.itemClaim).toISOString()).toBe('9999-01-01T00:00:00.000Z');
      expect(new Date(row.articleClaim).toISOString()).toBe('9999-01-01T00:00:00.000Z');
      expect(new Date(row.articleDate).getTime()).toBe(farTime);
      const unclamped = await app.db.manager.query(`SELECT count(*)::int AS n FROM feed_item WHERE item_key = 'guid:old' AND published_at_claimed IS NULL`);
      expect(unclamped[0].n).toBe(1);

      // A later fetch neither re-dates the clamped story to its own time (which would keep it on top
      // for good) nor believes 9999; a story published since goes above it.
      const fresh = new Date(Date.now() + 60_000).toUTCString();
      server.setDynamic('future.xml', rss(item('new', 'A newer story', fresh) + item('far', 'From the year 9999', 'Fri, 01 Jan 9999 00:00:00 GMT') + item('old', 'An old story', past)), RSS);
      await refresh(app, source.id);
      const headlines = await sidebar(source.id);
      expect(headlines.map((h) => h.headline)).toEqual(['A newer story', 'From the year 9999', 'An old story']);
      expect(headlines[1]!.publishedAt).toBe(far!.publishedAt);

      // The syndication feed orders the same way and shows no year 9999.
      const feed = await (await fetch(`${app.url}/feeds/latest.json?source=${source.slug}`)).json();
      expect(feed.items.map((entry: any) => entry.title)).toEqual(['A newer story', 'From the year 9999', 'An old story']);
      expect(JSON.stringify(feed)).not.toContain('9999-01-01');
    });
  });

  describe('markup and bidi controls in names and headlines', () => {
    const RLO = '\u202E';
    const PDF = '\u202C';

    it('stores a JSON Feed author as plain text, as RSS does, and headlines without bidi overrides (Arabic kept)', async () => {
      server.setDynamic(
        'hostile.json',
        JSON.stringify({
          version: 'https://jsonfeed.org/version/1.1',
          title: 'Hostile desk',
          items: [
            {
              id: 'eve',
              url: server.url('/hostile/eve'),
              title: `عاجل: ${RLO}gpj.exe${PDF} في أنقرة`,
              authors: [{ name: '<b onmouseover=alert(1)>Eve</b> Mallory' }],
              content_text: 'Body.',
              date_published: '2025-09-03T10:00:00Z',
            },
          ],
        }),
        'application/feed+json',
      );
      server.setDynamic('hostile.xml', rss(`<item><title>Same desk</title><link>${server.url('/hostile/rss')}</link><guid>rss</guid><dc:creator>&lt;b onmouseover=alert(1)&gt;Eve&lt;/b&gt; Mallory</dc:creator><description>Body two.</description></item>`), RSS);
      const json = await addSource(app, { name: 'Hostile JSON', feedUrls: [server.url('/dynamic/hostile.json')] });
      const xml = await addSource(app, { name: 'Hostile RSS', feedUrls: [server.url('/dynamic/hostile.xml')] });
      await refresh(app, json.id);
      await refresh(app, xml.id);
      const query = `query($id: ID) { latestFeed(sourceId: $id, first: 1) { edges { node { headline article { title byline authors { name } } } } } }`;
      const fromJson = ok(await app.gql(query, { id: json.id })).latestFeed.edges[0].node;
      const fromRss = ok(await app.gql(query, { id: xml.id })).latestFeed.edges[0].node;
      expect(fromJson.article.byline).toBe('Eve Mallory');
      expect(fromJson.article.byline).toBe(fromRss.article.byline);
      expect(fromJson.article.authors).toEqual([{ name: 'Eve Mallory' }]);
      expect(fromJson.headline).toBe('عاجل: gpj.exe في أنقرة');
      expect(fromJson.article.title).toBe(fromJson.headline);
      const [{ n }] = await app.db.manager.query(`SELECT count(*)::int AS n FROM person WHERE name ~ '[<>]'`);
      expect(n).toBe(0);
    });
  });
});
