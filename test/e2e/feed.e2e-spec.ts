import { inLanguage, listedOnce, sortFeedItems, type FixtureFeedItem } from '../support/fixtures';
import { useFixtureApp } from '../support/fixture-app';
import { codes, ok } from './helpers';
import { FeedArticlesDocument, FeedDefaultPageDocument, FeedPageDocument, SourceFeedsDocument, type FeedPageQueryVariables } from '../support/generated/graphql';
import { articleJson, feedItemJson } from './model';

/**
 * The sidebar's headlines: `latestFeed(sourceId:, language:)` and every FeedItem field, including the
 * article it points to (read in the same statement as the feed: it must equal the article read by
 * id), and `Source.latestFeed`.
 */
describe('latestFeed', () => {
  const suite = useFixtureApp();

  async function expectFeed(variables: FeedPageQueryVariables, expected: FixtureFeedItem[]) {
    const { latestFeed } = ok(await suite.app.request(FeedPageDocument, { first: 100, ...variables }));
    const sorted = sortFeedItems(expected);
    expect(latestFeed.totalCount).toBe(expected.length);
    expect(latestFeed.edges.map((e) => e.node)).toEqual(sorted.slice(0, 100).map((f) => feedItemJson(suite.fx, f)));
    expect(latestFeed.pageInfo).toEqual({ hasNextPage: expected.length > 100, hasPreviousPage: false });
  }

  it('lists every source’s headlines newest first, page order kept for equal dates, with every field, each article once (its first listing)', async () => {
    await expectFeed({}, listedOnce(suite.fx.feedItems));
  });

  it('the fixtures hold linked and unlinked items, items linked across sources, and ties', () => {
    expect(suite.fx.feedItems.some((f) => f.articleId === null)).toBe(true);
    expect(suite.fx.feedItems.some((f) => f.articleId && suite.fx.articleByDbId.get(f.articleId)!.sourceId !== f.sourceId)).toBe(true);
    expect(suite.fx.feedItems.some((f) => f.url === null) && suite.fx.feedItems.some((f) => f.imageUrl !== null)).toBe(true);
    const ties = suite.fx.feedItems.filter((f) => f.publishedAt.getTime() === suite.fx.feedItems[0]!.publishedAt.getTime() && f.position === 1);
    expect(ties.length).toBeGreaterThan(1);
  });

  it('defaults to 20 headlines', async () => {
    const { latestFeed } = ok(await suite.app.request(FeedDefaultPageDocument));
    expect(latestFeed.edges.map((e) => e.node.id)).toEqual(sortFeedItems(listedOnce(suite.fx.feedItems)).slice(0, 20).map((f) => f.id));
    expect(latestFeed.pageInfo.hasNextPage).toBe(true);
  });

  it('narrows to one source', async () => {
    for (const source of suite.fx.sources) {
      await expectFeed({ sourceId: source.id }, suite.fx.feedItems.filter((f) => f.sourceId === source.dbId));
    }
  });

  it('narrows to a language (tags match by whole subtags both ways: en-GB also finds en), alone and with a source', async () => {
    for (const language of ['bn', 'en', 'ar', 'zh-Hans', 'en-GB', 'bn-BD']) {
      await expectFeed({ language }, listedOnce(suite.fx.feedItems).filter((f) => inLanguage(f.language, language)));
    }
    const source = suite.fx.sources[0]!;
    await expectFeed({ language: 'bn', sourceId: source.id }, suite.fx.feedItems.filter((f) => f.sourceId === source.dbId && inLanguage(f.language, 'bn')));
    await expectFeed({ language: 'fr' }, []);
  });

  it('refuses a sourceId that is not a Source id, and a bad language tag', async () => {
    expect(codes(await suite.app.request(FeedPageDocument, { sourceId: suite.fx.articles[0]!.id }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await suite.app.request(FeedPageDocument, { sourceId: 'garbage' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await suite.app.request(FeedPageDocument, { language: '123 456' }))).toEqual(['BAD_USER_INPUT']);
    const missing = Buffer.from('Source:00000000-0000-4000-8000-000000000000').toString('base64');
    await expectFeed({ sourceId: missing }, []);
  });

  it('gives each linked item the whole article, the same as article(id:) reads it', async () => {
    const { latestFeed } = ok(await suite.app.request(FeedArticlesDocument));
    const linked = latestFeed.edges.filter((e) => e.node.article);
    expect(linked.length).toBeGreaterThan(50);
    for (const edge of linked) {
      const item = suite.fx.feedItems.find((f) => f.id === edge.node.id)!;
      expect(edge.node.article).toEqual(articleJson(suite.fx, suite.fx.articleByDbId.get(item.articleId!)!));
    }
  });

  it('Source.latestFeed lists each source’s own feed, with totalCount, for every source at once', async () => {
    const { sources } = ok(await suite.app.request(SourceFeedsDocument));
    expect(sources.edges).toHaveLength(suite.fx.sources.length);
    for (const edge of sources.edges) {
      const source = suite.fx.sources.find((s) => s.id === edge.node.id)!;
      const expected = sortFeedItems(suite.fx.feedItems.filter((f) => f.sourceId === source.dbId));
      expect(edge.node.latestFeed.totalCount).toBe(expected.length);
      expect(edge.node.latestFeed.edges.map((e) => e.node)).toEqual(expected.map((f) => feedItemJson(suite.fx, f)));
      expect(edge.node.latestFeed.pageInfo.hasNextPage).toBe(false);
    }
  });
});
