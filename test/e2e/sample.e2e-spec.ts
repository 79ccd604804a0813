import { seed } from '../../src/seed/seed';
import { NewsgateClient, type ArticlePageQuery, type ArticlePageQueryVariables, type SidebarQuery, type SidebarQueryVariables } from '../../src/client';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { ok } from './helpers';
import { SAMPLE_BYLINE, SAMPLE_SIDEBAR_DATE, sampleFromFile } from '../support/sample-text';

/**
 * The real sample page, loaded by `seed` and read back through GraphQL with the
 * typed client a client app would use (src/client: its operations and their generated types).
 *
 * Expectations come from the file itself, read independently of the seed's parser
 * (test/support/sample-text.ts).
 */
const BYLINE = SAMPLE_BYLINE;
const FURNITURE = ['Share this news on', 'সর্বশেষ', BYLINE];
const SIDEBAR_DATE = SAMPLE_SIDEBAR_DATE;

/** Every row of every table, as text, in a stable order: what "changes nothing" is checked on. */
async function snapshotDatabase(app: TestApp): Promise<Record<string, string[]>> {
  const tables = (await app.db.manager.query(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  )) as Array<{ name: string }>;
  const snapshot: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = (await app.db.manager.query(`SELECT t::text AS row FROM "${name}" t ORDER BY 1`)) as Array<{ row: string }>;
    snapshot[name] = rows.map((r) => r.row);
  }
  return snapshot;
}

describe('the sample page, seeded and read back through GraphQL', () => {
  let app: TestApp;
  let client: NewsgateClient;
  const expected = sampleFromFile();

  beforeAll(async () => {
    app = await startTestApp(e2eConfig());
    client = new NewsgateClient({ url: `${app.url}/graphql` });
    await seed(app.db);
  });
  afterAll(() => app?.close());

  it('reads the expectations from the file as the sample page is laid out', () => {
    expect(expected.paragraphs).toHaveLength(11);
    expect(expected.headlines).toHaveLength(20);
  });

  describe('ArticlePage (typed operation)', () => {
    let page: ArticlePageQuery;

    beforeAll(async () => {
      const list = ok(await app.gql('{ articles { totalCount edges { node { slug } } } }'));
      expect(list.articles.totalCount).toBe(1);
      const variables: ArticlePageQueryVariables = { slug: list.articles.edges[0].node.slug };
      page = await client.articlePage(variables);
    });

    it('has the title, the 11 paragraphs in order, the byline, the language and the date', () => {
      const article = page.article!;
      expect(article.title).toBe(expected.title);
      expect(article.paragraphs).toEqual(expected.paragraphs);
      expect(article.byline).toBe(BYLINE);
      expect(article.language).toBe('bn');
      expect(article.publishedAt).toBe('2025-09-03T00:00:00.000Z');
      expect(article.updatedAt).toBe(article.publishedAt);
      expect(article.summary).toBeNull();
      expect(article.imageUrl).toBeNull();
      expect(article.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(article.url).toMatch(/^https:\/\//);
    });

    it('lets no page furniture into any text', () => {
      const article = page.article!;
      const texts = [article.title, ...(article.summary ? [article.summary] : []), ...article.paragraphs, ...page.latestFeed.edges.map((e) => e.node.headline)];
      for (const text of texts) {
        for (const furniture of FURNITURE) expect(text).not.toContain(furniture);
        expect(text).not.toMatch(/\bimg\b/);
        expect(text).not.toMatch(SIDEBAR_DATE);
      }
      expect(texts.every((text) => text.trim() === text && text !== '')).toBe(true);
    });

    it('names Vladimir Putin and Shehbaz Sharif (inflected forms counted), cites TRT World, and has no authors', () => {
      const article = page.article!;
      expect(article.authors).toEqual([]);
      const mentions = article.mentions.map((m) => ({ slug: m.person.slug, name: m.person.name, count: m.count }));
      expect(mentions).toEqual(
        expect.arrayContaining([
          { slug: 'vladimir-putin', name: 'Vladimir Putin', count: 7 },
          { slug: 'shehbaz-sharif', name: 'Shehbaz Sharif', count: 7 },
        ]),
      );
      expect(mentions).toHaveLength(2);
      // Most mentioned first: never fewer mentions before more.
      expect(article.mentions.map((m) => m.count)).toEqual([...article.mentions.map((m) => m.count)].sort((a, b) => b - a));
      const putin = article.mentions.find((m) => m.person.slug === 'vladimir-putin')!.person;
      expect(putin.aliases).toEqual(expect.arrayContaining(['Vladimir Putin', 'ভ্লাদিমির পুতিন', 'পুতিন']));
      expect(article.citedSources.map((s) => ({ name: s.name, kind: s.kind }))).toEqual([{ name: 'TRT World', kind: 'BROADCASTER' }]);
    });

    it('is published by the sample source', () => {
      expect(page.article!.source).toEqual({
        id: expect.any(String),
        slug: 'sample-bengali-publisher',
        name: 'Sample Bengali publisher',
        homepageUrl: expect.stringMatching(/^https:\/\/.+\.invalid\/$/),
        language: 'bn',
        country: 'BD',
        kind: 'PUBLISHER',
      });
    });

    it('carries the 20-headline sidebar beside it', () => {
      expect(page.latestFeed.edges.map((e) => e.node.headline)).toEqual(expected.headlines);
      expect(page.latestFeed.edges.every((e) => e.node.source.name === 'Sample Bengali publisher')).toBe(true);
    });
  });

  describe('Sidebar (typed operation)', () => {
    let feed: SidebarQuery['latestFeed'];

    beforeAll(async () => {
      const variables: SidebarQueryVariables = { first: 50 };
      feed = await client.latestFeed(variables);
    });

    it('lists the 20 headlines in page order, dated 2025-09-03, without images, links or articles', () => {
      expect(feed.totalCount).toBe(20);
      expect(feed.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
      const nodes = feed.edges.map((e) => e.node);
      expect(nodes.map((n) => n.headline)).toEqual(expected.headlines);
      expect(nodes.map((n) => n.position)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      for (const node of nodes) {
        expect(node.headline).not.toMatch(/(Sep 03, 2025|\d{4})$/);
        expect(node.publishedAt).toBe('2025-09-03T00:00:00.000Z');
        expect(node.imageUrl).toBeNull();
        expect(node.url).toBeNull();
        expect(node.article).toBeNull();
        expect(node.source.name).toBe('Sample Bengali publisher');
      }
      expect(new Set(nodes.map((n) => n.id)).size).toBe(20);
    });

    it('pages through the sidebar with the same operation, and filters it by source and language', async () => {
      const first = await client.latestFeed({ first: 8 });
      const second = await client.latestFeed({ first: 8, after: first.pageInfo.endCursor });
      const third = await client.latestFeed({ first: 8, after: second.pageInfo.endCursor });
      expect([...first.edges, ...second.edges, ...third.edges].map((e) => e.node.headline)).toEqual(expected.headlines);
      expect(third.pageInfo.hasNextPage).toBe(false);

      const sourceId = first.edges[0]!.node.source.id;
      expect((await client.latestFeed({ sourceId, language: 'bn' })).totalCount).toBe(20);
      expect((await client.latestFeed({ language: 'en' })).totalCount).toBe(0);
    });
  });

  it('finds the article by id, url and node(id), and its people and cited source link back', async () => {
    const { articles } = ok(await app.gql('{ articles { edges { node { id url slug } } } }'));
    const { id, url, slug } = articles.edges[0].node;
    const data = ok(
      await app.gql(
        `query($id: ID!, $url: String!) {
          byId: article(id: $id) { slug }
          byUrl: article(url: $url) { slug }
          node(id: $id) { __typename id ... on Article { slug } }
          putin: person(slug: "vladimir-putin") {
            mentioned: articles(role: MENTIONED) { totalCount edges { node { slug } } }
            authored: articles(role: AUTHOR) { totalCount }
          }
          trt: source(slug: "trt-world") { name kind articles { totalCount } }
          sources { totalCount }
          people { totalCount }
        }`,
        { id, url },
      ),
    );
    expect(data.byId.slug).toBe(slug);
    expect(data.byUrl.slug).toBe(slug);
    expect(data.node).toEqual({ __typename: 'Article', id, slug });
    expect(data.putin.mentioned).toEqual({ totalCount: 1, edges: [{ node: { slug } }] });
    expect(data.putin.authored.totalCount).toBe(0);
    // TRT World is cited, not a publisher of anything here.
    expect(data.trt).toEqual({ name: 'TRT World', kind: 'BROADCASTER', articles: { totalCount: 0 } });
    expect(data.sources.totalCount).toBeGreaterThanOrEqual(2);
    expect(data.people.totalCount).toBeGreaterThanOrEqual(2);
  });

  it('changes nothing when seeded again: every row of every table, updated_at included', async () => {
    const before = await snapshotDatabase(app);
    expect(before.article).toHaveLength(1);
    expect(before.feed_item).toHaveLength(20);
    const report = await seed(app.db);
    expect(report.articles.map((a) => a.outcome)).toEqual(['unchanged']);
    expect(report.feedItemsWritten).toBe(0);
    const after = await snapshotDatabase(app);
    expect(after).toEqual(before);
  });
});
