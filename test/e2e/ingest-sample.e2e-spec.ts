import { seed } from '../../src/seed/seed';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { ADMIN, addSource, admin, ingestConfig, refresh } from '../support/ingest-app';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 3, sections 5 and 9: the sample page served by a publisher, as an RSS feed linking to an
 * HTML article page, gives exactly the article the seed gives for the same text.
 */
const ARTICLE_FIELDS = `title summary paragraphs language publishedAt byline imageUrl
  authors { slug } mentions { count person { slug } } citedSources { slug }`;

describe('ingesting the sample page', () => {
  let app: TestApp;
  let server: FixtureServer;
  let seeded: any;

  beforeAll(async () => {
    server = await startFixtureServer();
    app = await startTestApp(ingestConfig());
    await seed(app.db);
    const data = await admin(app, `{ articles(first: 1) { edges { node { id url ${ARTICLE_FIELDS} source { id } } } } }`);
    seeded = data.articles.edges[0].node;
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

    const after = await admin(app, `{ articles(first: 5) { totalCount edges { node { id ${ARTICLE_FIELDS} } } } latestFeed(first: 30) { totalCount } }`);
    expect(after.articles.totalCount).toBe(1);
    expect(after.latestFeed.totalCount).toBe(21);
    const { id: _id, url: _url, source: _source, ...expected } = seeded;
    expect(after.articles.edges[0].node).toEqual({ id: seeded.id, ...expected });
  });

  it('gives the same article to a new source found from its home page (feed discovery, page extraction)', async () => {
    const source = await addSource(app, { homepageUrl: server.url('/sample/'), language: 'bn' });
    expect(source.feedUrls).toEqual([server.url('/sample/feed.rss')]);
    const { run } = await refresh(app, source.id);
    expect(run).toMatchObject({ outcome: 'succeeded', articlesCreated: 1, pagesFetched: 1, feedItemsWritten: 21 });

    const data = await admin(app, `query($slug: String!) { source(slug: $slug) { articles(first: 5) { edges { node { url ${ARTICLE_FIELDS} } } } } }`, { slug: source.slug });
    const [article] = data.source.articles.edges.map((edge: any) => edge.node);
    // Canonical: the feed's utm_* parameters are gone, the page's <link rel=canonical> kept.
    expect(article.url).toBe(server.url('/sample/story'));
    const { id: _id, url: _url, source: _source, ...expected } = seeded;
    expect({ ...article, url: undefined }).toEqual({ ...expected, url: undefined });
    expect(article.byline).toBe('এসএস/এসএন');
    expect(article.authors).toEqual([]);
    expect(article.publishedAt).toBe('2025-09-03T00:00:00.000Z');
    expect(article.mentions.map((m: any) => m.person.slug).sort()).toEqual(['shehbaz-sharif', 'vladimir-putin']);
    expect(article.citedSources.map((s: any) => s.slug)).toEqual(['trt-world']);

    // And article(url:) finds it by the tracking-decorated link the feed carried.
    const byUrl = await app.gql(`query($url: String!) { article(url: $url) { title } }`, { url: `${server.url('/sample/story')}?utm_source=rss&utm_medium=feed#top` }, ADMIN);
    expect(byUrl.data?.article?.title).toBe(seeded.title);
  });
});
