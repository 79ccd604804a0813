import { parse, print } from 'graphql';
import { GATEWAY_JSON_SQL } from '../../src/api/json-sql';
import { gatewaySchema } from '../../src/api/schema';
import { SidebarDocument } from '../../src/client/generated/graphql';
import { sql, SqlExecutor } from '../../src/db/sql-executor';
import { compileOperation } from '../../src/graphql/json-sql/compile';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { buildFixtures, listedOnce, sortFeedItems, type Fixtures, type FixtureFeedItem } from '../support/fixtures';

/**
 * The compiled read path's statements (src/graphql/json-sql/compile.ts) must give the same JSON
 * whatever plan Postgres picks. Relations of one are LEFT JOINed to the page's rows, and a hash
 * join that builds on the page (a Hash Right Join) returns the rows in the joined table's order:
 * the statement has to put them back in the list's order itself. Here each statement runs once
 * with the planner's choice and once with nested loops and merge joins switched off, so that only
 * hash joins remain, and the two answers must be the same bytes, in the list's order.
 */
describe('compiled statements keep the list order under any join plan', () => {
  let database: TestDatabase;
  let db: SqlExecutor;
  let fx: Fixtures;
  const schema = gatewaySchema();

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new SqlExecutor(database.handle.dataSource, database.handle.isOpen);
    fx = await buildFixtures(db);
  });
  afterAll(() => database?.drop());

  async function run(query: string, variables: Record<string, unknown>, onlyHashJoins: boolean): Promise<string> {
    const statement = compileOperation(schema, GATEWAY_JSON_SQL, parse(query), null).bind(variables);
    return database.handle.dataSource.transaction(async (manager) => {
      if (onlyHashJoins) {
        await manager.query('SET LOCAL enable_nestloop = off');
        await manager.query('SET LOCAL enable_mergejoin = off');
      }
      const [row] = (await manager.query(statement.text(), statement.values)) as Array<{ data: string }>;
      return row!.data;
    });
  }

  const PAGE_ONLY = `query ($first: Int) {
    latestFeed(first: $first) { edges { node { headline source { name } article { title source { name } authors { name } } } } }
  }`;

  it.each([
    ['a page without pageInfo (the sidebar of bench/queries.ts)', PAGE_ONLY],
    ['the typed Sidebar (numbered rows, cursors, pageInfo)', print(SidebarDocument)],
  ])('%s', async (_name, query) => {
    for (const first of [20, 100]) {
      const planned = await run(query, { first }, false);
      const hashed = await run(query, { first }, true);
      expect(hashed).toBe(planned);
      const headlines = (JSON.parse(planned) as { latestFeed: { edges: Array<{ node: { headline: string } }> } }).latestFeed.edges.map((edge) => edge.node.headline);
      const expected = sortFeedItems(listedOnce(fx.feedItems))
        .slice(0, first)
        .map((item) => item.headline);
      expect(headlines).toEqual(expected);
    }
  });

  it('an article with its source joined, and a slug that matches nothing', async () => {
    const query = 'query ($slug: String!) { article(slug: $slug) { title source { name } authors { name } } }';
    const article = fx.articles[7]!;
    const found = JSON.parse(await run(query, { slug: article.slug }, true)) as { article: { title: string; source: { name: string } } };
    expect(found.article.title).toBe(article.title);
    expect(found.article.source.name).toBe(fx.sources.find((source) => source.dbId === article.sourceId)!.name);
    expect(await run(query, { slug: 'no-such-article' }, true)).toBe('{"article":null}');
  });

  it('leaves out the items of copies of a text as Apollo does, under any join plan', async () => {
    // Every third linked item's article becomes a copy of another article (as clustering records one).
    const copied = [...new Set(fx.feedItems.flatMap((item, i) => (item.articleId && i % 3 === 0 ? [item.articleId] : [])))];
    const canonicalId = fx.articles.find((article) => !copied.includes(article.dbId))!.dbId;
    await db.rows(sql('test_story', `INSERT INTO story (id, title, first_published_at, last_published_at, article_count) VALUES ('00000000-0000-4000-8000-000000000001', 't', now(), now(), 0)`));
    await db.rows(
      sql('test_copies', `INSERT INTO article_cluster (article_id, story_id, published_at, canonical_id) SELECT id, '00000000-0000-4000-8000-000000000001', now(), $2 FROM unnest($1::uuid[]) AS k(id)`),
      [copied, canonicalId],
    );
    const notCopy = (item: FixtureFeedItem) => !item.articleId || !copied.includes(item.articleId);
    for (const query of [PAGE_ONLY, print(SidebarDocument)]) {
      const planned = await run(query, { first: 100 }, false);
      expect(await run(query, { first: 100 }, true)).toBe(planned);
      const headlines = (JSON.parse(planned) as { latestFeed: { edges: Array<{ node: { headline: string } }> } }).latestFeed.edges.map((edge) => edge.node.headline);
      expect(headlines).toEqual(sortFeedItems(listedOnce(fx.feedItems).filter(notCopy)).slice(0, 100).map((item) => item.headline));
    }
  });
});
