import { seed } from '../../src/seed/seed';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { addSource, ingestConfig, refresh } from '../support/ingest-app';
import { startTestApp, type TestApp } from '../support/test-app';
import { ok } from './helpers';

/**
 * Article.provenance through the real pipeline: where the text was fetched from (the feed, or
 * the page whose body was taken, without credentials), the last fetch that carried it, and one
 * revision per stored change (none for a fetch that finds the same content).
 */
const PROVENANCE = `query($url: String!) { article(url: $url) { title provenance { firstSeenAt lastFetchedAt fetchedFrom revisions { at contentHash changedFields } } } }`;

interface Provenance {
  firstSeenAt: string;
  lastFetchedAt: string | null;
  fetchedFrom: string | null;
  revisions: Array<{ at: string; contentHash: string; changedFields: string[] }>;
}

describe('article provenance', () => {
  let app: TestApp;
  let server: FixtureServer;

  const feed = (items: string) =>
    `<?xml version="1.0"?><rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/"><channel><title>Provenance</title><language>en</language>${items}</channel></rss>`;
  // `modified`: a stored article is read again only when its feed says it changed since.
  const item = (slug: string, title: string, body: string, modified = '2025-09-03T10:00:00Z') =>
    `<item><title>${title}</title><link>${server.url(`/dynamic/${slug}`)}</link><guid isPermaLink="false">${slug}</guid>` +
    `<pubDate>Wed, 03 Sep 2025 10:00:00 +0000</pubDate><dcterms:modified>${modified}</dcterms:modified><description><![CDATA[${body}]]></description></item>`;

  async function provenance(slug: string): Promise<{ title: string; provenance: Provenance }> {
    const data = ok<{ article: { title: string; provenance: Provenance } | null }>(await app.gql(PROVENANCE, { url: server.url(`/dynamic/${slug}`) }));
    expect(data.article).not.toBeNull();
    return data.article!;
  }

  beforeAll(async () => {
    server = await startFixtureServer();
    app = await startTestApp(ingestConfig());
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('names the feed without its credentials, and stores a first revision', async () => {
    // The feed's item links to a page that is not HTML: the feed's own copy is stored.
    server.setDynamic('plain', 'not a page', 'text/plain');
    server.setDynamic('prov.xml', feed(item('plain', 'Port reopens', '<p>The port reopened on Tuesday.</p>')));
    const source = await addSource(app, { name: 'Provenance desk', feedUrls: [server.url('/dynamic/prov.xml?edition=intl&key=partner-secret&token=t0k')] });
    const { run } = await refresh(app, source.id);
    expect(run).toMatchObject({ outcome: 'succeeded', articlesCreated: 1 });

    const { provenance: first } = await provenance('plain');
    expect(first.fetchedFrom).toBe(server.url('/dynamic/prov.xml?edition=intl'));
    expect(first.lastFetchedAt).not.toBeNull();
    expect(first.revisions).toHaveLength(1);
    expect(first.revisions[0]).toMatchObject({ changedFields: [], at: first.firstSeenAt });
    expect(first.revisions[0]!.contentHash).toMatch(/^[0-9a-f]{64}$/);

    // The same content again: no revision, a later last fetch.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await refresh(app, source.id);
    const { provenance: again } = await provenance('plain');
    expect(again.revisions).toEqual(first.revisions);
    expect(new Date(again.lastFetchedAt!).getTime()).toBeGreaterThan(new Date(first.lastFetchedAt!).getTime());

    // A correction by the publisher: one revision naming what changed.
    server.setDynamic('prov.xml', feed(item('plain', 'Port reopens after storm', '<p>The port reopened on Wednesday.</p>', '2025-09-03T12:00:00Z')));
    const corrected = await refresh(app, source.id);
    expect(corrected.run).toMatchObject({ articlesUpdated: 1 });
    const { title, provenance: after } = await provenance('plain');
    expect(title).toBe('Port reopens after storm');
    expect(after.revisions).toHaveLength(2);
    expect(after.revisions[0]).toEqual(first.revisions[0]);
    expect(after.revisions[1]!.changedFields).toEqual(['paragraphs', 'title']);
    expect(after.revisions[1]!.contentHash).not.toBe(first.revisions[0]!.contentHash);
    expect(new Date(after.revisions[1]!.at).getTime()).toBeGreaterThan(new Date(first.revisions[0]!.at).getTime());

    // Fetched once more unchanged: still two.
    await refresh(app, source.id);
    expect((await provenance('plain')).provenance.revisions).toHaveLength(2);
  });

  it('names the article page when its body was taken from there', async () => {
    server.setDynamic(
      'page',
      `<!DOCTYPE html><html lang="en"><head><title>Bridge opens</title></head><body><article><h1>Bridge opens</h1>${'<p>The new bridge opened to traffic on Monday morning after four years of work on the river crossing. </p>'.repeat(4)}</article></body></html>`,
      'text/html; charset=utf-8',
    );
    server.setDynamic('pages.xml', feed(item('page', 'Bridge opens', '<p>Short.</p>')));
    const source = await addSource(app, { name: 'Page desk', feedUrls: [server.url('/dynamic/pages.xml')] });
    await refresh(app, source.id);
    const { provenance: stored } = await provenance('page');
    expect(stored.fetchedFrom).toBe(server.url('/dynamic/page'));
    expect(stored.revisions).toHaveLength(1);
  });

  it('gives the bundled sample, stored by the seed and never fetched, its first version and no fetch', async () => {
    await seed(app.db);
    const data = ok<{ articles: { edges: Array<{ node: { url: string; provenance: Provenance } }> } }>(
      await app.gql(`{ articles(first: 20) { edges { node { url provenance { firstSeenAt lastFetchedAt fetchedFrom revisions { at contentHash changedFields } } } } } }`),
    );
    const sample = data.articles.edges.map(({ node }) => node).filter((node) => !node.url.startsWith(server.origin));
    expect(sample).toHaveLength(1);
    expect(sample[0]!.provenance).toMatchObject({ lastFetchedAt: null, fetchedFrom: null, revisions: [{ changedFields: [] }] });
  });
});
