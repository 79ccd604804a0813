import { BadUserInputError } from '../common/errors/domain-errors';
import { observeStatements, SqlExecutor } from '../db/sql-executor';
import { createServiceContext, type Repositories } from '../api/loaders';
import { buildFixtures, sortArticles, type Fixtures } from '../../test/support/fixtures';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { FeedItemRepository } from '../feed-item/feed-item.repository';
import { PersonRepository } from '../person/person.repository';
import { PersonRole } from '../person/person.record';
import { SourceRegistryRepository } from '../source/source-registry.repository';
import { StoryRepository } from '../story/story.repository';
import { SourceRepository } from '../source/source.repository';
import { ArticleOrder } from './article.record';
import { ArticleRepository } from './article.repository';
import { articlePage } from './article.resolver';
import { ArticleService } from './article.service';
import type { ArticlePage } from './article.repository';

/** Statements assembled from fragments are named prefix_hash_length (db/sql-executor.ts dynamicSql): their prefix. */
const DYNAMIC = ['article_list_by_parent', 'article_count_by_parent', 'article_list', 'article_count', 'authors_by_article_ids', 'feed_latest', 'feed_count'];
function baseName(name: string): string {
  return DYNAMIC.find((prefix) => name.startsWith(prefix) && /^_[0-9a-z]+_[0-9a-z]+$/.test(name.slice(prefix.length))) ?? name;
}

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const NOTHING = new Set<string>();
const page = (over: Partial<ArticlePage> = {}): ArticlePage => ({ order: ArticleOrder.NEWEST_FIRST, limit: 10, backward: false, after: null, ...over });

/** The service with real repositories and per-request loaders, counting the statements it sends. */
describe('ArticleService', () => {
  let database: TestDatabase;
  let fx: Fixtures;
  let repositories: Repositories;
  let service: ArticleService;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = new SqlExecutor(database.handle.dataSource, database.handle.isOpen);
    fx = await buildFixtures(db, { articles: 30, feedItems: 5 });
    repositories = {
      sources: new SourceRepository(db),
      people: new PersonRepository(db),
      articles: new ArticleRepository(db),
      feedItems: new FeedItemRepository(db),
      sourceRegistry: new SourceRegistryRepository(db),
      stories: new StoryRepository(db),
    };
    service = new ArticleService(repositories.articles);
  });
  afterAll(() => database?.drop());

  const newContext = () => createServiceContext(repositories, { requestId: 'test', viewer: { kind: 'anonymous', id: '127.0.0.1' }, logger: silent });

  async function statementsOf<T>(work: () => Promise<T>): Promise<{ result: T; names: string[] }> {
    const names: string[] = [];
    const stop = observeStatements((statement) => {
      names.push(baseName(statement.name ?? statement.text));
    });
    try {
      return { result: await work(), names };
    } finally {
      stop();
    }
  }

  it('finds by slug in one statement that also primes the source loader', async () => {
    const ctx = newContext();
    const article = fx.articles[2]!;
    const { result, names } = await statementsOf(async () => {
      const found = await service.find(ctx, { slug: article.slug.toUpperCase() });
      return { found, source: await service.source(ctx, found!) };
    });
    expect(result.found?.dbId).toBe(article.dbId);
    expect(result.source?.dbId).toBe(article.sourceId);
    expect(names).toEqual(['article_by_slug']);
  });

  it('finds by id through the request loader (one statement for many), and refuses ambiguous lookups', async () => {
    const ctx = newContext();
    const [one, two] = fx.articles;
    const { result, names } = await statementsOf(() => Promise.all([service.find(ctx, { id: one!.dbId }), service.find(ctx, { id: two!.dbId })]));
    expect(result.map((a) => a?.dbId)).toEqual([one!.dbId, two!.dbId]);
    expect(names).toEqual(['article_by_ids']);
    await expect(service.find(ctx, { slug: 'a', url: 'https://x.example/' })).rejects.toBeInstanceOf(BadUserInputError);
    await expect(service.find(ctx, {})).rejects.toBeInstanceOf(BadUserInputError);
  });

  it('lists a page and prefetches the selected relations in one statement each', async () => {
    const ctx = newContext();
    const selection = { fields: new Set(['title', 'source', 'authors']), relations: { authors: new Set(['name']), mentionPeople: NOTHING, citedSources: NOTHING } };
    const { result, names } = await statementsOf(() => service.list(ctx, null, page(), selection));
    expect(result.rows.map((row) => row.dbId)).toEqual(sortArticles(fx.articles).slice(0, 11).map((a) => a.dbId));
    expect(names.sort()).toEqual(['article_list', 'authors_by_article_ids', 'source_by_ids']);
    for (const node of result.rows) {
      const expected = fx.articleByDbId.get(node.dbId)!;
      expect(node.prefetched?.source?.dbId).toBe(expected.sourceId);
      expect(node.prefetched?.authors?.map((p) => p.dbId)).toEqual(expected.authorIds);
      expect(node.prefetched?.mentions).toBeUndefined();
      // The field resolvers then answer without a promise.
      expect(Array.isArray(service.authors(ctx, node))).toBe(true);
    }
    expect(await result.total()).toBe(fx.articles.length);
  });

  it('pages with Relay cursors forward and backward (the GraphQL layer’s pages over the service), and validates filters', async () => {
    const ctx = newContext();
    const list = async (order: ArticleOrder, args: Parameters<typeof articlePage>[0]) => {
      const relay = articlePage(args, order);
      return relay.connection(await service.list(ctx, {}, relay.page));
    };
    const first = await list(ArticleOrder.OLDEST_FIRST, { first: 4 });
    const second = await list(ArticleOrder.OLDEST_FIRST, { first: 4, after: first.pageInfo.endCursor });
    const back = await list(ArticleOrder.OLDEST_FIRST, { last: 4, before: second.pageInfo.startCursor });
    const oldest = sortArticles(fx.articles, 'OLDEST_FIRST').map((a) => a.dbId);
    expect(second.edges.map((e) => e.node.dbId)).toEqual(oldest.slice(4, 8));
    expect(back.edges.map((e) => e.node.dbId)).toEqual(oldest.slice(0, 4));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    // A cursor of one order is refused in the other.
    await expect(list(ArticleOrder.NEWEST_FIRST, { first: 4, after: first.pageInfo.endCursor })).rejects.toBeInstanceOf(BadUserInputError);
    await expect(service.list(ctx, { search: 'x'.repeat(201) }, page())).rejects.toBeInstanceOf(BadUserInputError);
    await expect(service.list(ctx, { language: '???' }, page())).rejects.toBeInstanceOf(BadUserInputError);
    const search = await service.list(ctx, { search: '   ' }, page({ limit: 1 }));
    expect(await search.total()).toBe(fx.articles.length);
    const bySource = await service.list(ctx, { sourceIds: [fx.sources[0]!.dbId, fx.sources[0]!.dbId] }, page({ limit: 100 }));
    expect(bySource.rows.map((row) => row.dbId)).toEqual(sortArticles(fx.articles.filter((a) => a.sourceId === fx.sources[0]!.dbId)).map((a) => a.dbId));
  });

  it('batches nested lists of many parents into one statement, and their counts into one more', async () => {
    const ctx = newContext();
    const sources = await repositories.sources.findByIds(fx.sources.map((s) => s.dbId));
    const { result, names } = await statementsOf(async () => {
      const pages = await Promise.all(sources.map((source) => service.ofSource(ctx, source.dbId, page({ limit: 2 }))));
      return Promise.all(pages.map(async (result) => ({ ids: result.rows.slice(0, 2).map((row) => row.dbId), total: await result.total() })));
    });
    expect(names).toEqual(['article_list_by_parent', 'article_count_by_parent']);
    sources.forEach((source, i) => {
      const own = sortArticles(fx.articles.filter((a) => a.sourceId === source.dbId));
      expect(result[i]).toEqual({ ids: own.slice(0, 2).map((a) => a.dbId), total: own.length });
    });
  });

  it('counts a person’s articles per role', async () => {
    const ctx = newContext();
    const author = fx.authors[0]!;
    const [authored, any] = await Promise.all([
      service.ofPerson(ctx, author.dbId, PersonRole.AUTHOR, page({ limit: 1 })),
      service.ofPerson(ctx, author.dbId, null, page({ limit: 1 })),
    ]);
    const wrote = fx.articles.filter((a) => a.authorIds.includes(author.dbId));
    const involved = fx.articles.filter((a) => a.authorIds.includes(author.dbId) || a.mentions.some((m) => m.personId === author.dbId));
    expect(await authored.total()).toBe(wrote.length);
    expect(await any.total()).toBe(involved.length);
  });
});
