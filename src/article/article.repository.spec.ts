import { SqlExecutor } from '../db/sql-executor';
import { buildFixtures, inLanguage, sortArticles, type FixtureArticle, type Fixtures } from '../../test/support/fixtures';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { PersonRole } from '../person/person.record';
import { ArticleOrder, type ArticleRecord } from './article.record';
import { ArticleRepository, type ArticlePage } from './article.repository';

/** The repository against a real database (PGlite, or Postgres with DATABASE_URL), on the shared fixtures. */
describe('ArticleRepository', () => {
  let database: TestDatabase;
  let fx: Fixtures;
  let articles: ArticleRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = new SqlExecutor(database.handle.dataSource, database.handle.isOpen);
    fx = await buildFixtures(db, { articles: 40, feedItems: 10 });
    articles = new ArticleRepository(db);
  });
  afterAll(() => database?.drop());

  const record = (a: FixtureArticle) => ({
    dbId: a.dbId,
    sourceId: a.sourceId,
    slug: a.slug,
    url: a.url,
    title: a.title,
    summary: a.summary,
    paragraphs: a.paragraphs,
    language: a.language,
    publishedAt: a.publishedAt,
    updatedAt: a.updatedAt,
    imageUrl: a.imageUrl,
    byline: a.byline,
  });
  const page = (over: Partial<ArticlePage> = {}): ArticlePage => ({ limit: 5, order: ArticleOrder.NEWEST_FIRST, backward: false, after: null, ...over });
  const keyOf = (row: ArticleRecord) => ({ publishedAt: row.publishedAt, id: row.dbId });

  it('returns plain records: every column of the table, no GraphQL identity', async () => {
    const [first] = fx.articles;
    const rows = await articles.findByIds([first!.dbId, '00000000-0000-4000-8000-000000000000']);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toStrictEqual(record(first!));
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
  });

  it('finds by slug and by URL with the source in the same statement', async () => {
    const article = fx.articles[3]!;
    const source = fx.sourceByDbId.get(article.sourceId)!;
    const bySlug = await articles.findBySlug(article.slug);
    expect(bySlug?.article).toStrictEqual(record(article));
    expect(bySlug?.source).toMatchObject({ dbId: source.dbId, slug: source.slug, name: source.name, homepageUrl: source.homepageUrl, kind: source.kind });
    expect((await articles.findByUrl(article.url))?.article.dbId).toBe(article.dbId);
    expect(await articles.findBySlug('no-such-article')).toBeNull();
  });

  it('pages through every article in both orders and both directions', async () => {
    for (const order of [ArticleOrder.NEWEST_FIRST, ArticleOrder.OLDEST_FIRST]) {
      const expected = sortArticles(fx.articles, order).map((a) => a.dbId);
      const seen: string[] = [];
      let after = null;
      for (;;) {
        const rows: ArticleRecord[] = await articles.list({}, page({ order, limit: 7, after }));
        seen.push(...rows.slice(0, 7).map((row) => row.dbId));
        if (rows.length <= 7) break;
        after = keyOf(rows[6]!);
      }
      expect(seen).toEqual(expected);
      // Backward from the last one: the rows before it, nearest first.
      const last = sortArticles(fx.articles, order)[expected.length - 1]!;
      const back = await articles.list({}, page({ order, backward: true, limit: 3, after: { publishedAt: last.publishedAt, id: last.dbId } }));
      expect(back.map((row) => row.dbId)).toEqual(expected.slice(-5, -1).reverse());
    }
    expect(await articles.count({})).toBe(fx.articles.length);
  });

  it('filters by source, person, language and dates', async () => {
    const source = fx.sources[1]!;
    const bySource = await articles.list({ sourceIds: [source.dbId] }, page({ limit: 100 }));
    expect(bySource.map((row) => row.dbId)).toEqual(sortArticles(fx.articles.filter((a) => a.sourceId === source.dbId)).map((a) => a.dbId));
    const person = fx.authors[0]!;
    const byPerson = await articles.list({ personIds: [person.dbId] }, page({ limit: 100 }));
    const involved = fx.articles.filter((a) => a.authorIds.includes(person.dbId) || a.mentions.some((m) => m.personId === person.dbId));
    expect(byPerson.map((row) => row.dbId)).toEqual(sortArticles(involved).map((a) => a.dbId));
    const bn = await articles.list({ language: 'bn' }, page({ limit: 100 }));
    expect(bn.map((row) => row.dbId)).toEqual(sortArticles(fx.articles.filter((a) => inLanguage(a.language, 'bn'))).map((a) => a.dbId));
    expect(await articles.count({ language: 'bn' })).toBe(bn.length);
    const middle = sortArticles(fx.articles)[10]!.publishedAt;
    const before = await articles.list({ publishedBefore: middle }, page({ limit: 100 }));
    expect(before.every((row) => row.publishedAt < middle)).toBe(true);
    expect(before.length).toBe(fx.articles.filter((a) => a.publishedAt < middle).length);
  });

  it('reads the same page for many parents in one statement, each as the single list would', async () => {
    const ids = fx.sources.map((s) => s.dbId);
    const rows = await articles.listForParents({ kind: 'source' }, ids, page({ limit: 3 }));
    for (const id of ids) {
      const single = await articles.list({ sourceIds: [id] }, page({ limit: 3 }));
      expect(rows.filter((row) => row.parentId === id).map((row) => row.dbId)).toEqual(single.map((row) => row.dbId));
    }
    const counts = await articles.countForParents({ kind: 'source' }, ids);
    expect(new Map(counts.map((c) => [c.parentId, c.count]))).toEqual(new Map(ids.map((id) => [id, fx.articles.filter((a) => a.sourceId === id).length])));
    const author = fx.authors[1]!;
    const authored = await articles.listForParents({ kind: 'person', role: PersonRole.AUTHOR }, [author.dbId], page({ limit: 100 }));
    expect(authored.map((row) => row.dbId)).toEqual(sortArticles(fx.articles.filter((a) => a.authorIds.includes(author.dbId))).map((a) => a.dbId));
  });

  it('reads relations in their documented order, only the selected columns when told', async () => {
    const withAuthors = fx.articles.filter((a) => a.authorIds.length > 0).slice(0, 3);
    const authors = await articles.authorsByArticleIds(withAuthors.map((a) => a.dbId));
    for (const article of withAuthors) {
      expect(authors.filter((row) => row.articleId === article.dbId).map((row) => row.dbId)).toEqual(article.authorIds);
    }
    const partial = await articles.authorsByArticleIds([withAuthors[0]!.dbId], new Set(['name']));
    expect(Object.keys(partial[0]!).sort()).toEqual(['articleId', 'dbId', 'name']);
    const mentioned = fx.articles.find((a) => a.mentions.length > 0)!;
    const mentions = await articles.mentionsByArticleIds([mentioned.dbId]);
    expect(mentions.map((m) => [m.person.dbId, m.count]).sort()).toEqual(mentioned.mentions.map((m) => [m.personId, m.count]).sort());
    const citing = fx.articles.find((a) => a.citedSourceIds.length > 0)!;
    const cited = await articles.citedSourcesByArticleIds([citing.dbId]);
    expect(cited.map((s) => s.dbId).sort()).toEqual([...citing.citedSourceIds].sort());
  });
});
