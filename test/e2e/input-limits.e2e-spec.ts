import { seed } from '../../src/seed/seed';
import { INPUT_LIMITS, MAX_LIST_ITEMS } from '../../src/common/input-limits';
import { ADMIN, ADMIN_TOKEN } from '../support/ingest-app';
import { countingSql } from '../support/syndication';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { codes, ok } from './helpers';
import type { ErrorBody } from '../support/json-bodies';

/**
 * Every text argument has a maximum length, checked before any SQL: a 20,000-character
 * `people(search:)` once cost 4.8 s of database time for a query cost of 1. Through the real
 * endpoint, literal and variable, query and mutation, GET and POST, and the feeds' filters.
 */
describe('input limits', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(e2eConfig({ ADMIN_TOKEN }));
    await seed(app.db);
  });
  afterAll(async () => {
    await app?.close();
  });

  const HUGE = 'পুতিন '.repeat(4000); // 24,000 characters of a real search word

  /** A request that must be refused with BAD_USER_INPUT naming `argument` and `maxLength`, with no SQL run. */
  async function refused(send: () => Promise<{ status: number; raw: string; errors?: any[] }>, argument: string, maxLength: number) {
    const { statements, result } = await countingSql(send);
    expect(result.status).toBe(400);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].extensions).toMatchObject({ argument, maxLength });
    expect(result.errors![0].message).toContain(`"${argument}"`);
    expect(result.errors![0].message).toContain(`at most ${maxLength} characters`);
    expect(statements).toBe(0);
    // The refusal does not echo the text back.
    expect(result.raw.length).toBeLessThan(1000);
  }

  it('refuses people(search:) of 24,000 characters before any SQL, as a literal and as a variable', async () => {
    await refused(() => app.gql(`{ people(search: ${JSON.stringify(HUGE)}) { totalCount } }`), 'search', INPUT_LIMITS.search.maxLength);
    await refused(() => app.gql(`query($s: String) { people(search: $s) { totalCount } }`, { s: HUGE }), 'search', INPUT_LIMITS.search.maxLength);
  });

  it('accepts a search at the limit, counted in characters (200 Bengali letters)', async () => {
    const atLimit = 'ক'.repeat(INPUT_LIMITS.search.maxLength);
    expect(ok(await app.gql(`query($s: String) { people(search: $s) { totalCount } }`, { s: atLimit })).people.totalCount).toBe(0);
    const found = ok(await app.gql(`query($s: String) { people(search: $s) { edges { node { name } } } }`, { s: 'পুতিন' }));
    expect(found.people.edges.length).toBeGreaterThan(0);
  });

  it.each([
    ['a filter inside an input object', `query($f: ArticleFilter) { articles(filter: $f) { totalCount } }`, { f: { search: HUGE } }, 'filter.search', INPUT_LIMITS.search.maxLength],
    ['a language tag', `query($l: String) { latestFeed(language: $l) { totalCount } }`, { l: 'bn-'.repeat(20) }, 'language', INPUT_LIMITS.languageTag.maxLength],
    ['a cursor', `query($c: String) { sources(after: $c) { totalCount } }`, { c: 'A'.repeat(5000) }, 'after', INPUT_LIMITS.cursor.maxLength],
    ['a slug', `query($s: String) { article(slug: $s) { id } }`, { s: 'a-'.repeat(500) }, 'slug', INPUT_LIMITS.slug.maxLength],
    ['a URL', `query($u: String) { article(url: $u) { id } }`, { u: `https://news.example/${'a'.repeat(3000)}` }, 'url', INPUT_LIMITS.url.maxLength],
    ['an ID', `query($id: ID!) { node(id: $id) { id } }`, { id: 'Q'.repeat(500) }, 'id', INPUT_LIMITS.id.maxLength],
    ['an ID in a list', `query($f: ArticleFilter) { articles(filter: $f) { totalCount } }`, { f: { sourceIds: ['Q'.repeat(500)] } }, 'filter.sourceIds', INPUT_LIMITS.id.maxLength],
  ])('refuses %s', async (_what, query, variables, argument, maxLength) => {
    await refused(() => app.gql(query, variables), argument, maxLength);
  });

  it('refuses a list longer than the list limit', async () => {
    const ids = Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => `id${i}`);
    const { statements, result } = await countingSql(() => app.gql(`query($f: ArticleFilter) { articles(filter: $f) { totalCount } }`, { f: { personIds: ids } }));
    expect(result.status).toBe(400);
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.personIds', maxItems: MAX_LIST_ITEMS });
    expect(statements).toBe(0);
  });

  it('refuses the strings of a mutation input object, for admins too, before the mutation runs', async () => {
    const mutation = `mutation($input: AddSourceInput!) { addSource(input: $input) { id } }`;
    await refused(() => app.gql(mutation, { input: { name: 'ন'.repeat(201), feedUrls: ['https://x.example/feed'] } }, ADMIN), 'input.name', INPUT_LIMITS.name.maxLength);
    await refused(() => app.gql(mutation, { input: { name: 'x', feedUrls: [`https://x.example/${'f'.repeat(2100)}`] } }, ADMIN), 'input.feedUrls', INPUT_LIMITS.url.maxLength);
    await refused(() => app.gql(`mutation { createApiKey(input: { name: "p", allowedOperations: ["${'0'.repeat(65)}"] }) { secret } }`, undefined, ADMIN), 'input.allowedOperations', 64);
    const [{ n }] = await app.db.manager.query(`SELECT count(*)::int AS n FROM api_key`);
    expect(n).toBe(0);
  });

  it('refuses over GET as over POST', async () => {
    const query = `{ people(search: "${'x'.repeat(300)}") { totalCount } }`;
    await refused(async () => {
      const response = await fetch(`${app.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true' } });
      const raw = await response.text();
      return { status: response.status, raw, errors: JSON.parse(raw).errors };
    }, 'search', 200);
  });

  it('holds the feeds’ filters to the same limits', async () => {
    // Node refuses a request line over 16 KB itself (431); below that, the limit answers.
    const { statements, result } = await countingSql(() => fetch(`${app.url}/feeds/latest.rss?q=${'putin+'.repeat(2000)}`));
    expect(result.status).toBe(400);
    const body = (await result.json()) as ErrorBody;
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'q', maxLength: 200 });
    expect(statements).toBe(0);
    expect((await fetch(`${app.url}/feeds/latest.rss?language=${'x'.repeat(36)}`)).status).toBe(400);
    expect((await fetch(`${app.url}/feeds/latest.rss?q=${encodeURIComponent('পুতিন')}`)).status).toBe(200);
  });

  it('answers ordinary reads as before', async () => {
    const data = ok(await app.gql(`{ latestFeed(first: 2, language: "bn") { edges { cursor node { headline } } } }`));
    const cursor = data.latestFeed.edges[0].cursor;
    expect(codes(await app.gql(`query($c: String) { latestFeed(first: 1, after: $c) { totalCount } }`, { c: cursor }))).toEqual([]);
  });
});
