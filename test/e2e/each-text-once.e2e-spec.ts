import { sql, sqlStatementCount } from '../../src/db/sql-executor';
import { e2eConfig } from '../support/e2e-config';
import { fixture, storeFixture } from '../support/story-fixture';
import { startTestApp, type TestApp } from '../support/test-app';
import { ok } from './helpers';

/**
 * Lists and feeds show each text once (issue 14 §1): the labelled set's 26 syndicated copies are
 * stored through the ingest store beside their 39 canonical copies, and every list across outlets
 * (articles, a person's articles, latestFeed on both read paths, the syndication feeds, the front
 * page) shows the canonical copies alone, each saying which other outlets carried it. Lists of
 * chosen outlets show what those outlets published, copies included.
 */
const copies = fixture.articles.filter((a) => a.duplicateOf);
const canonical = fixture.articles.filter((a) => !a.duplicateOf);
const copyUrls = new Set(copies.map((a) => a.url));
const byKey = new Map(fixture.articles.map((a) => [a.key, a]));
/** The wire story of the first story, carried by two more outlets. */
const wire = byKey.get('fisheries-deal-wire')!;

// A second listing of the wire story's page, in another outlet's feed and later: the first listing stands.
const LIST_AGAIN = sql(
  'test_list_again',
  `INSERT INTO feed_item (source_id, item_key, headline, url, language, published_at, position, article_id)
   SELECT $1, 'again:' || a.url, a.title, a.url, a.language, a.published_at + interval '12 hours', 0, a.id FROM article a WHERE a.url = $2`,
);

describe('each text once, with every outlet that carried it', () => {
  let app: TestApp;
  let sourceIds: Map<string, string>;
  const sourceGlobalId = (slug: string) => Buffer.from(`Source:${sourceIds.get(slug)!}`).toString('base64');

  beforeAll(async () => {
    app = await startTestApp(e2eConfig());
    sourceIds = await storeFixture(app);
    await app.db.rows(LIST_AGAIN, [sourceIds.get('dhaka-daily'), wire.url]);
  }, 240_000);
  afterAll(async () => {
    await app?.close();
  });

  it('articles: the canonical copies alone, newest first, each with its copies and outlets', async () => {
    const data = ok<any>(
      await app.gql(`{ articles(first: 100) { totalCount edges { node { url duplicates { url } carriedBy { slug } } } } }`),
    );
    const urls = data.articles.edges.map((e: any) => e.node.url);
    expect(data.articles.totalCount).toBe(canonical.length);
    expect(urls.sort()).toEqual(canonical.map((a) => a.url).sort());
    const listedWire = data.articles.edges.find((e: any) => e.node.url === wire.url).node;
    expect(listedWire.duplicates.map((d: any) => d.url).sort()).toEqual([byKey.get('fisheries-deal-copy')!.url, byKey.get('fisheries-deal-near')!.url].sort());
    expect(listedWire.carriedBy.map((s: any) => s.slug)).toEqual(['global-wire', 'morning-ledger', 'channel-nine', 'dhaka-daily']);

    // Pages walk the same list: two pages of 20 hold every canonical copy once.
    const PAGE = `query($after: String) { articles(first: 20, after: $after) { edges { node { url } } pageInfo { endCursor } } }`;
    const first = ok<any>(await app.gql(PAGE, {}));
    const second = ok<any>(await app.gql(PAGE, { after: first.articles.pageInfo.endCursor }));
    const paged = [...first.articles.edges, ...second.articles.edges].map((e: any) => e.node.url);
    expect(new Set(paged).size).toBe(canonical.length);
    expect(paged.filter((url: string) => copyUrls.has(url))).toEqual([]);
  });

  it('articles of chosen outlets: what they published, their copies included', async () => {
    const ledger = fixture.articles.filter((a) => a.source === 'morning-ledger');
    const data = ok<any>(
      await app.gql(`query($ids: [ID!]) { articles(first: 100, filter: { sourceIds: $ids }) { totalCount edges { node { url } } } }`, {
        ids: [sourceGlobalId('morning-ledger')],
      }),
    );
    expect(data.articles.totalCount).toBe(ledger.length);
    expect(ledger.some((a) => a.duplicateOf)).toBe(true);
    expect(data.articles.edges.map((e: any) => e.node.url).sort()).toEqual(ledger.map((a) => a.url).sort());
  });

  it('a person’s articles: each text once', async () => {
    const data = ok<any>(await app.gql(`{ person(slug: "amina-rahman") { articles(first: 100) { totalCount edges { node { url } } } } }`));
    const urls: string[] = data.person.articles.edges.map((e: any) => e.node.url);
    expect(urls).toContain(wire.url);
    expect(urls.filter((url) => copyUrls.has(url))).toEqual([]);
    expect(data.person.articles.totalCount).toBe(urls.length);
  });

  it('latestFeed: each text once on the compiled path and through Apollo; one outlet’s sidebar as it stands', async () => {
    // Only columns and relations of one: the compiled path answers it, in one statement.
    const COMPILED = `{ latestFeed(first: 100) { totalCount edges { node { url article { url } } } } }`;
    const before = sqlStatementCount();
    const fast = ok<any>(await app.gql(COMPILED));
    expect(sqlStatementCount() - before).toBe(1);
    // Article.carriedBy is no column: Apollo and the resolvers answer it.
    const slow = ok<any>(await app.gql(`{ latestFeed(first: 100) { totalCount edges { node { url article { url carriedBy { slug } } } } } }`));
    for (const data of [fast, slow]) {
      const urls = data.latestFeed.edges.map((e: any) => e.node.url);
      expect(data.latestFeed.totalCount).toBe(canonical.length);
      expect([...urls].sort()).toEqual(canonical.map((a) => a.url).sort());
    }
    expect(fast.latestFeed.edges.map((e: any) => e.node.url)).toEqual(slow.latestFeed.edges.map((e: any) => e.node.url));
    // The wire story's first listing stands (the wire's own, not the later one in dhaka-daily's feed).
    const wireItem = slow.latestFeed.edges.find((e: any) => e.node.url === wire.url).node;
    expect(wireItem.article.carriedBy.map((s: any) => s.slug)).toEqual(['global-wire', 'morning-ledger', 'channel-nine', 'dhaka-daily']);

    const ledger = ok<any>(
      await app.gql(`query($id: ID) { latestFeed(first: 100, sourceId: $id) { totalCount edges { node { url } } } }`, { id: sourceGlobalId('morning-ledger') }),
    );
    expect(ledger.latestFeed.totalCount).toBe(fixture.articles.filter((a) => a.source === 'morning-ledger').length);
    const dhaka = ok<any>(await app.gql(`query($id: ID) { latestFeed(first: 100, sourceId: $id) { edges { node { url } } } }`, { id: sourceGlobalId('dhaka-daily') }));
    expect(dhaka.latestFeed.edges.map((e: any) => e.node.url)).toContain(wire.url);
  });

  it('the syndication feeds: each text once, the other outlets as categories, related links and _newsgate.alsoIn', async () => {
    const json = (await (await fetch(`${app.url}/feeds/latest.json`)).json()) as any;
    const urls: string[] = json.items.map((item: any) => item.url);
    expect(urls.filter((url) => copyUrls.has(url))).toEqual([]);
    expect(new Set(urls).size).toBe(urls.length);
    const wireEntry = json.items.find((item: any) => item.url === wire.url);
    expect(wireEntry._newsgate.alsoIn.map((o: any) => o.name)).toEqual(['The Morning Ledger', 'Channel Nine News', 'Dhaka Daily']);
    expect(wireEntry._newsgate.alsoIn[0].url).toBe(`${app.url}/sources/morning-ledger`);

    const atom = await (await fetch(`${app.url}/feeds/latest.atom`)).text();
    expect(atom).toContain(`<link rel="related" type="text/html" href="${app.url}/sources/morning-ledger" title="The Morning Ledger"/>`);
    const rss = await (await fetch(`${app.url}/feeds/latest.rss`)).text();
    expect(rss).toContain(`<category domain="${app.url}/sources/">Channel Nine News</category>`);
    for (const copy of copies) {
      expect(atom).not.toContain(copy.url);
      expect(rss).not.toContain(copy.url);
    }
  });

  it('the front page: each text once, with "also in" and links to the other outlets', async () => {
    const page = await (await fetch(`${app.url}/`)).text();
    for (const copy of copies) expect(page).not.toContain(copy.url);
    expect(page).toContain(wire.url);
    expect(page).toMatch(/also in <a href="\/sources\/morning-ledger">The Morning Ledger<\/a>, <a href="\/sources\/channel-nine">Channel Nine News<\/a>/);
  });
});
