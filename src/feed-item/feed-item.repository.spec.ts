import { SqlExecutor } from '../db/sql-executor';
import { buildFixtures, sortFeedItems, type Fixtures } from '../../test/support/fixtures';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import type { FeedItemRecord } from './feed-item.record';
import { FeedItemRepository, type FeedPage, type FeedSelection } from './feed-item.repository';

const NOTHING = new Set<string>();
const selection = (over: Partial<FeedSelection> = {}): FeedSelection => ({
  item: new Set(['headline', 'url', 'imageUrl', 'language']),
  source: null,
  article: null,
  articleRelations: { authors: NOTHING, mentionPeople: NOTHING, citedSources: NOTHING },
  ...over,
});

describe('FeedItemRepository', () => {
  let database: TestDatabase;
  let fx: Fixtures;
  let feedItems: FeedItemRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = new SqlExecutor(database.handle.dataSource, database.handle.isOpen);
    fx = await buildFixtures(db, { articles: 20, feedItems: 40 });
    feedItems = new FeedItemRepository(db);
  });
  afterAll(() => database?.drop());

  const page = (over: Partial<FeedPage> = {}): FeedPage => ({ limit: 5, backward: false, after: null, ...over });
  const keyOf = (row: FeedItemRecord) => ({ publishedAt: row.publishedAt, position: row.position, id: row.dbId });

  it('pages the sidebar newest first, page order kept for equal dates, both directions', async () => {
    const expected = sortFeedItems(fx.feedItems).map((item) => item.dbId);
    const seen: string[] = [];
    let after = null;
    for (;;) {
      const rows: FeedItemRecord[] = await feedItems.latest({}, page({ limit: 6, after }), selection());
      seen.push(...rows.slice(0, 6).map((row) => row.dbId));
      if (rows.length <= 6) break;
      after = keyOf(rows[5]!);
    }
    expect(seen).toEqual(expected);
    const last = sortFeedItems(fx.feedItems).at(-1)!;
    const back = await feedItems.latest({}, page({ backward: true, limit: 2, after: { publishedAt: last.publishedAt, position: last.position, id: last.dbId } }), selection());
    expect(back.map((row) => row.dbId)).toEqual(expected.slice(-4, -1).reverse());
    expect(await feedItems.count({})).toBe(fx.feedItems.length);
  });

  it('reads only the selected item columns, and joins the selected ones of source and article', async () => {
    const [bare] = await feedItems.latest({}, page({ limit: 1 }), selection({ item: new Set(['headline']) }));
    expect(Object.keys(bare!).sort()).toEqual(['articleId', 'dbId', 'headline', 'position', 'publishedAt', 'sourceId']);
    const rows = await feedItems.latest({}, page({ limit: 40 }), selection({ source: new Set(['name']), article: new Set(['title']) }));
    for (const row of rows) {
      expect(row.joinedSource).toStrictEqual({ dbId: row.sourceId, name: fx.sourceByDbId.get(row.sourceId)!.name });
      if (row.articleId) expect(row.joinedArticle).toStrictEqual({ dbId: row.articleId, sourceId: fx.articleByDbId.get(row.articleId)!.sourceId, title: fx.articleByDbId.get(row.articleId)!.title });
      else expect(row.joinedArticle).toBeNull();
    }
    expect(rows.some((row) => row.articleId)).toBe(true);
  });

  it('filters by source and language; one statement serves many sources alike', async () => {
    const ids = fx.sources.map((s) => s.dbId);
    const many = await feedItems.latestForSources(ids, page({ limit: 3 }));
    for (const id of ids) {
      const single = await feedItems.latest({ sourceId: id }, page({ limit: 3 }), selection());
      expect(many.filter((row) => row.parentId === id).map((row) => row.dbId)).toEqual(single.map((row) => row.dbId));
    }
    const counts = await feedItems.countForSources(ids);
    expect(counts.map((c) => c.count).reduce((a, b) => a + b, 0)).toBe(fx.feedItems.length);
    const bn = await feedItems.latest({ language: 'bn' }, page({ limit: 100 }), selection());
    expect(bn.every((row) => row.language === 'bn' || row.language!.startsWith('bn-'))).toBe(true);
    expect(await feedItems.count({ language: 'bn' })).toBe(bn.length);
  });

  it('finds items by id as plain records', async () => {
    const item = fx.feedItems[0]!;
    const [row] = await feedItems.findByIds([item.dbId]);
    expect(row).toStrictEqual({
      dbId: item.dbId,
      sourceId: item.sourceId,
      articleId: item.articleId,
      headline: item.headline,
      url: item.url,
      imageUrl: item.imageUrl,
      language: item.language,
      publishedAt: item.publishedAt,
      position: item.position,
    });
  });
});
