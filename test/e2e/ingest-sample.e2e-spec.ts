import { seed } from '../../src/seed/seed';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { ADMIN, addSource, admin, adminRequest, ingestConfig, refresh } from '../support/ingest-app';
import { ArticlesAfterIngestDocument, PagedSourceArticlesDocument, SeededArticleDocument, SourceIngestedArticlesDocument, type SeededArticleQuery } from '../support/generated/graphql';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Ingest end to end: the sample page served by a publisher, as an RSS feed linking to an
 * HTML article page, gives exactly the article the seed gives for the same text.
 */
type SeededArticle = SeededArticleQuery['articles']['edges'][number]['node'];

describe('ingesting the sample page', () => {
  let app: TestApp;
  let server: FixtureServer;
  let seeded: SeededArticle;

  beforeAll(async () => {
    server = await startFixtureServer();
    app = await startTestApp(ingestConfig({ INGEST_MAX_PAGES_PER_RUN: '3' }));
    await seed(app.db);
    const data = await adminRequest(app, SeededArticleDocument);
    seeded = data.articles.edges[0]!.node;
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('stores nothing new when the seeded publisher starts publishing it as a feed: same article, same sidebar', async () => {
    const sourceId = seeded.source.id;
    await admin(app, `mutation($id: ID!, $input: UpdateSourceInput!) { updateSource(id: $id, input: $input) { id } }`, {
      id: sourceId,
      input: { feedUrls: [server.url('/sample/feed.rss')] },
    });
    const { run, source } = await refresh(app, sourceId);
    expect(run.outcome).toBe('succeeded');
    expect(run.itemsSeen).toBe(21);
    // The story arrives under another URL with the same text: recognised by its content hash.
    expect(run.articlesCreated).toBe(0);
    expect(run.articlesUnchanged).toBe(1);
    expect(run.pagesFetched).toBe(1);
    // The twenty sidebar headlines are the seeded rows; only the story's own headline is new.
    expect(run.feedItemsWritten).toBe(1);
    expect(source.fetchStatus).toMatchObject({ state: 'ACTIVE', lastError: null, consecutiveFailures: 0, itemsSeen: 21 });

    const after = await adminRequest(app, ArticlesAfterIngestDocument);
    expect(after.articles.totalCount).toBe(1);
    expect(after.latestFeed.totalCount).toBe(21);
    const { id: _id, url: _url, source: _source, ...expected } = seeded;
    expect(after.articles.edges[0]!.node).toEqual({ id: seeded.id, ...expected });
  });

  it('gives the same article to a new source found from its home page (feed discovery, page extraction)', async () => {
    const source = await addSource(app, { homepageUrl: server.url('/sample/'), language: 'bn' });
    expect(source.feedUrls).toEqual([server.url('/sample/feed.rss')]);
    const { run } = await refresh(app, source.id);
    expect(run).toMatchObject({ outcome: 'succeeded', articlesCreated: 1, pagesFetched: 1, feedItemsWritten: 21 });

    const data = await adminRequest(app, SourceIngestedArticlesDocument, { slug: source.slug });
    const article = data.source!.articles.edges.map((edge) => edge.node)[0]!;
    // Canonical: the feed's utm_* parameters are gone, the page's <link rel=canonical> kept.
    expect(article.url).toBe(server.url('/sample/story'));
    const { id: _id, url: _url, source: _source, ...expected } = seeded;
    expect({ ...article, url: undefined }).toEqual({ ...expected, url: undefined });
    expect(article.byline).toBe('এসএস/এসএন');
    expect(article.authors).toEqual([]);
    expect(article.publishedAt).toBe('2025-09-03T00:00:00.000Z');
    expect(article.mentions.map((m) => m.person.slug).sort()).toEqual(['shehbaz-sharif', 'vladimir-putin']);
    expect(article.citedSources.map((s) => s.slug)).toEqual(['trt-world']);

    // And article(url:) finds it by the tracking-decorated link the feed carried.
    const byUrl = await app.gql(`query($url: String!) { article(url: $url) { title } }`, { url: `${server.url('/sample/story')}?utm_source=rss&utm_medium=feed#top` }, ADMIN);
    expect(byUrl.data?.article?.title).toBe(seeded.title);
  });

  it('fetches at most INGEST_MAX_PAGES_PER_RUN pages a run, leaving the other stories as headlines until the next run', async () => {
    const source = await addSource(app, { name: 'Paged', feedUrls: [server.url('/generated/5-paged')] });
    const first = await refresh(app, source.id);
    expect(first.run).toMatchObject({ outcome: 'succeeded', itemsSeen: 5, pagesFetched: 3, articlesCreated: 3, feedItemsWritten: 5 });
    const second = await refresh(app, source.id);
    expect(second.run).toMatchObject({ pagesFetched: 2, articlesCreated: 2 });
    const third = await refresh(app, source.id);
    expect(third.run).toMatchObject({ pagesFetched: 0, articlesCreated: 0, feedItemsWritten: 0 });
    // The page's text (longer than the feed's summary) is the body; the feed's text is the summary.
    const data = await adminRequest(app, PagedSourceArticlesDocument, { slug: source.slug });
    expect(data.source!.articles.totalCount).toBe(5);
    const article = data.source!.articles.edges.map((edge) => edge.node)[0]!;
    expect(article.paragraphs.join(' ')).toMatch(/The full text of the story/);
    expect(article.summary).toMatch(/^Paragraph one of story \d+/);
    expect(article.authors).toEqual([{ slug: 'jane-doe' }]);
    expect(data.source!.latestFeed.edges.every((edge) => edge.node.article !== null)).toBe(true);
  });

  it('removes a source: unfollowed, its articles kept; with purge, deleted with them', async () => {
    const source = await addSource(app, { name: 'Removable', feedUrls: [server.url('/generated/3-removable')] });
    await refresh(app, source.id);
    const removed = await admin(app, `mutation($id: ID!) { removeSource(id: $id) { sourceId purged articlesDeleted } }`, { id: source.id });
    expect(removed.removeSource).toEqual({ sourceId: source.id, purged: false, articlesDeleted: 0 });
    const kept = await admin(app, `query($id: ID!) { source(id: $id) { feedUrls fetchStatus { state } articles(first: 1) { totalCount } } }`, { id: source.id });
    expect(kept.source).toEqual({ feedUrls: [], fetchStatus: null, articles: { totalCount: 3 } });
    const refused = await app.gql(`mutation($id: ID!) { refreshSource(id: $id) { run { outcome } } }`, { id: source.id }, ADMIN);
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const purged = await admin(app, `mutation($id: ID!) { removeSource(id: $id, purge: true) { purged articlesDeleted } }`, { id: source.id });
    expect(purged.removeSource).toEqual({ purged: true, articlesDeleted: 3 });
    expect((await admin(app, `query($id: ID!) { source(id: $id) { id } }`, { id: source.id })).source).toBeNull();
    const missing = await app.gql(`mutation($id: ID!) { removeSource(id: $id) { purged } }`, { id: source.id }, ADMIN);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('validates admin input with clear errors', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'x' }, 'input.feedUrls'],
      [{ name: 'x', feedUrls: ['ftp://x.example/feed'] }, 'input.feedUrls'],
      [{ name: 'x', feedUrls: ['https://x.example/feed'], language: 'not a tag!' }, 'input.language'],
      [{ name: 'x', feedUrls: ['https://x.example/feed'], timeZone: 'Mars/Olympus' }, 'input.timeZone'],
      [{ name: 'x', feedUrls: ['https://x.example/feed'], fetchIntervalMinutes: 0 }, 'input.fetchIntervalMinutes'],
      [{ name: '  ', feedUrls: ['https://x.example/feed'] }, 'input.name'],
    ];
    for (const [input, argument] of cases) {
      const res = await app.gql(`mutation($input: AddSourceInput!) { addSource(input: $input) { id } }`, { input }, ADMIN);
      expect({ input, code: res.errors?.[0]?.extensions?.code, argument: res.errors?.[0]?.extensions?.argument }).toEqual({ input, code: 'BAD_USER_INPUT', argument });
    }
    const duplicate = await app.gql(`mutation { addSource(input: { name: "Paged", feedUrls: ["https://x.example/feed"] }) { id } }`, undefined, ADMIN);
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});
