import { observeStatements, SqlExecutor } from '../db/sql-executor';
import { createServiceContext, type Repositories } from '../api/loaders';
import { buildFixtures, listedOnce, sortFeedItems, type Fixtures } from '../../test/support/fixtures';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { ArticleRepository } from '../article/article.repository';
import { ArticleService } from '../article/article.service';
import { PersonRepository } from '../person/person.repository';
import { SourceRegistryRepository } from '../source/source-registry.repository';
import { StoryRepository } from '../story/story.repository';
import { SourceRepository } from '../source/source.repository';
import { SOURCE_TABLE } from '../source/source.record';
import { FeedItemRepository, type FeedSelection } from './feed-item.repository';
import { FeedItemService } from './feed-item.service';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const NOTHING = new Set<string>();
const page = { limit: 10, backward: false, after: null };

/** The sidebar's service with real repositories and per-request loaders, counting its statements. */
describe('FeedItemService', () => {
  let database: TestDatabase;
  let fx: Fixtures;
  let repositories: Repositories;
  let service: FeedItemService;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = new SqlExecutor(database.handle.dataSource, database.handle.isOpen);
    fx = await buildFixtures(db, { articles: 20, feedItems: 30 });
    repositories = {
      sources: new SourceRepository(db),
      people: new PersonRepository(db),
      articles: new ArticleRepository(db),
      feedItems: new FeedItemRepository(db),
      sourceRegistry: new SourceRegistryRepository(db),
      stories: new StoryRepository(db),
    };
    service = new FeedItemService(repositories.feedItems, new ArticleService(repositories.articles));
  });
  afterAll(() => database?.drop());

  const newContext = () => createServiceContext(repositories, { requestId: 'test', viewer: { kind: 'anonymous', id: '127.0.0.1' }, logger: silent });

  async function statementsOf<T>(work: () => Promise<T>): Promise<{ result: T; count: number }> {
    let count = 0;
    const stop = observeStatements(() => {
      count++;
    });
    try {
      return { result: await work(), count };
    } finally {
      stop();
    }
  }

  it('reads a sidebar with its sources and articles in one statement, and their authors in one more', async () => {
    const ctx = newContext();
    const selection: FeedSelection = {
      item: new Set(['headline']),
      source: new Set(Object.keys(SOURCE_TABLE.map.optional)),
      article: new Set(['title', 'authors']),
      articleRelations: { authors: new Set(['name']), mentionPeople: NOTHING, citedSources: NOTHING },
    };
    const { result, count } = await statementsOf(async () => {
      const latest = await service.latest(ctx, {}, page, selection);
      // What the fields then ask for is already there: sources (complete rows prime the loader) and articles.
      const fields = await Promise.all(latest.rows.map(async (item) => ({ source: await service.source(ctx, item), article: await service.article(ctx, item) })));
      const articleSources = await Promise.all(fields.flatMap(({ article }) => (article ? [ctx.loaders.sourceById.load(article.sourceId)] : [])));
      return { latest, fields, articleSources };
    });
    expect(count).toBe(2);
    expect(result.latest.rows.map((row) => row.dbId)).toEqual(sortFeedItems(listedOnce(fx.feedItems)).slice(0, 11).map((item) => item.dbId));
    result.fields.forEach(({ source, article }, i) => {
      const item = result.latest.rows[i]!;
      expect(source?.name).toBe(fx.sourceByDbId.get(item.sourceId)!.name);
      if (item.articleId) expect(article?.prefetched?.authors?.map((p) => p.dbId)).toEqual(fx.articleByDbId.get(item.articleId)!.authorIds);
      else expect(article).toBeNull();
    });
    expect(await result.latest.total()).toBe(listedOnce(fx.feedItems).length);
  });

  it('leaves partial sources out of the shared loader', async () => {
    const ctx = newContext();
    const selection: FeedSelection = { item: NOTHING, source: new Set(['name']), article: null, articleRelations: { authors: NOTHING, mentionPeople: NOTHING, citedSources: NOTHING } };
    const latest = await service.latest(ctx, {}, { ...page, limit: 1 }, selection);
    const { result: source, count } = await statementsOf(() => ctx.loaders.sourceById.load(latest.rows[0]!.sourceId));
    expect(count).toBe(1);
    expect(source?.homepageUrl).toBe(fx.sourceByDbId.get(latest.rows[0]!.sourceId)!.homepageUrl);
  });

  it('batches many sources’ headlines into one statement and their counts into one more', async () => {
    const ctx = newContext();
    const { result, count } = await statementsOf(async () => {
      const pages = await Promise.all(fx.sources.map((source) => service.ofSource(ctx, source.dbId, { ...page, limit: 2 })));
      return Promise.all(pages.map(async (p) => ({ ids: p.rows.slice(0, 2).map((row) => row.dbId), total: await p.total() })));
    });
    expect(count).toBe(2);
    fx.sources.forEach((source, i) => {
      const own = sortFeedItems(fx.feedItems.filter((item) => item.sourceId === source.dbId));
      expect(result[i]).toEqual({ ids: own.slice(0, 2).map((item) => item.dbId), total: own.length });
    });
  });
});
