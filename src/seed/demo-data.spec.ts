import { SqlExecutor } from '../db/sql-executor';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { ArticleRepository } from '../article/article.repository';
import { generateDemoData } from './demo-data';

/** The demo generator's bulk insert (its columns are article.record.ts's ARTICLE_WRITE) on a real database. */
describe('generateDemoData', () => {
  let database: TestDatabase;
  let db: SqlExecutor;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new SqlExecutor(database.handle.dataSource, database.handle.isOpen);
  });
  afterAll(() => database?.drop());

  it('stores every column of its articles, once', async () => {
    const first = await generateDemoData(db, { articles: 12, sources: 3, people: 5 }, { batchSize: 5 });
    expect(first.articles).toEqual({ requested: 12, created: 12, existing: 0 });
    const again = await generateDemoData(db, { articles: 12, sources: 3, people: 5 }, { batchSize: 5 });
    expect(again.articles).toEqual({ requested: 12, created: 0, existing: 12 });
    const articles = new ArticleRepository(db);
    const stored = await articles.findBySlug('demo-article-3');
    expect(stored?.article).toMatchObject({ slug: 'demo-article-3', paragraphs: expect.arrayContaining([expect.any(String)]) });
    expect(stored!.article.paragraphs.length).toBeGreaterThan(0);
    expect(stored!.article.updatedAt).toEqual(stored!.article.publishedAt);
    const [row] = await db.rows<{ searchText: string; contentHash: string; claimed: Date | null }>(
      { name: 'demo_check', text: 'SELECT search_text AS "searchText", content_hash AS "contentHash", published_at_claimed AS claimed FROM article WHERE slug = $1' },
      ['demo-article-3'],
    );
    expect(row).toMatchObject({ searchText: expect.any(String), contentHash: expect.stringMatching(/^[0-9a-f]{64}$/), claimed: null });
  });
});
