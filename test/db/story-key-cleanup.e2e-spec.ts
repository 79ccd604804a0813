import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * Purging a source deletes its articles (ON DELETE CASCADE) and, through a statement trigger on
 * article (migration 1796696000000-StoryKeyCleanup), their story_key rows: in one pass over
 * story_key, however many articles go. A foreign key cascade from article did it with one scan of
 * story_key per deleted article (the table has no index on article_id): a source of 10,000
 * articles could not be purged within the statement timeout. Counted with
 * pg_stat_get_xact_numscans on story_key in the deleting transaction.
 */
describe('story_key rows of deleted articles', () => {
  const ARTICLES = 2000;
  const KEYS_PER_ARTICLE = 14;
  let database: TestDatabase;
  let query: (sql: string, params?: unknown[]) => Promise<Array<Record<string, any>>>;
  const source: Record<'purged' | 'kept', string> = { purged: '', kept: '' };

  beforeAll(async () => {
    database = await createTestDatabase();
    query = (sql, params) => database.handle.dataSource.query(sql, params);
    for (const name of ['purged', 'kept'] as const) {
      [{ id: source[name] }] = await query(`INSERT INTO source (slug, name) VALUES ($1::text, $1::text) RETURNING id`, [name]);
      await query(
        `INSERT INTO article (source_id, url, slug, title, paragraphs, language, published_at, updated_at, content_hash, search_text)
         SELECT $1, 'https://' || $2::text || '.example/' || n, $2::text || '-' || n, 'Title', '{}', 'en', now(), now(), 'h', 't'
         FROM generate_series(1, $3::int) AS n`,
        [source[name], name, name === 'purged' ? ARTICLES : 10],
      );
    }
    await query(
      `INSERT INTO story_key (key, published_at, article_id)
       SELECT hashtext(a.id::text)::bigint * 100 + k, a.published_at, a.id FROM article a, generate_series(1, $1::int) AS k`,
      [KEYS_PER_ARTICLE],
    );
  }, 120_000);
  afterAll(() => database?.drop());

  it(`purging a source of ${ARTICLES} articles deletes their keys in one pass over story_key, and keeps the others`, async () => {
    const scans = await database.handle.dataSource.transaction(async (manager) => {
      const numScans = async () => Number((await manager.query(`SELECT pg_stat_get_xact_numscans('story_key'::regclass)::int AS n`))[0].n);
      const before = await numScans();
      await manager.query(`SET LOCAL statement_timeout = '5s'`);
      await manager.query(`DELETE FROM source WHERE id = $1`, [source.purged]);
      return (await numScans()) - before;
    });
    expect(scans).toBeLessThanOrEqual(1);
    const [{ n: orphans }] = await query(`SELECT count(*)::int AS n FROM story_key k WHERE NOT EXISTS (SELECT 1 FROM article a WHERE a.id = k.article_id)`);
    expect(orphans).toBe(0);
    const [{ n: kept }] = await query(`SELECT count(*)::int AS n FROM story_key`);
    expect(kept).toBe(10 * KEYS_PER_ARTICLE);
  });
});
