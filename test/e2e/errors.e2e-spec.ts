import { INPUT_LIMITS } from '../../src/common/input-limits';
import { buildFixtures, type Fixtures } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { codes, expectNoLeak, postRaw } from './helpers';

/**
 * Bad input of every kind is the client's error with a stable code, a missing
 * record is null, and no response carries a stack trace, SQL, a connection string or a server
 * path. The app here starts with NODE_ENV=development, where Apollo and express would otherwise
 * be most talkative (database-failure.e2e-spec.ts runs with NODE_ENV=production).
 */
describe('bad input (NODE_ENV=development)', () => {
  let app: TestApp;
  let fx: Fixtures;
  const savedNodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    process.env.NODE_ENV = 'development';
    try {
      app = await startTestApp(e2eConfig());
    } finally {
      process.env.NODE_ENV = savedNodeEnv;
    }
    fx = await buildFixtures(app.db, { articles: 6, feedItems: 6 });
  });
  afterAll(async () => {
    process.env.NODE_ENV = savedNodeEnv;
    await app?.close();
  });

  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const NIL = '00000000-0000-4000-8000-000000000000';

  /** Every malformed global id: each lookup answers BAD_USER_INPUT, null data, nothing leaked. */
  const MALFORMED_IDS: Array<[string, () => string]> = [
    ['garbage', () => 'garbage!'],
    ['empty', () => ''],
    ['plain uuid', () => NIL],
    ['base64 of a non-uuid', () => b64('Article:123')],
    ['base64 of SQL', () => b64("Article:' OR 1=1 --")],
    ['base64 of an unknown type', () => b64(`Widget:${NIL}`)],
    ['base64 without a type', () => b64(NIL)],
    ['upper-case uuid', () => b64(`Article:${fx.articles[0]!.dbId.toUpperCase()}`)],
    ['very long', () => 'QQ'.repeat(5000)],
  ];

  it.each(MALFORMED_IDS)('a malformed id (%s) is BAD_USER_INPUT for article, source, person and node', async (_label, make) => {
    const id = make();
    for (const field of ['article', 'source', 'person', 'node']) {
      const res = await app.gql(`query($id: ID!) { x: ${field}(id: $id) { id } }`, { id });
      // An id longer than any global ID is refused before execution (HTTP 400, no data: graphql/input-limits.ts);
      // the others reach the resolver, which answers null with the error.
      const tooLong = id.length > INPUT_LIMITS.id.maxLength;
      expect([field, res.status, codes(res)]).toEqual([field, tooLong ? 400 : 200, ['BAD_USER_INPUT']]);
      if (tooLong) expect(res.data).toBeUndefined();
      else expect(res.data).toEqual({ x: null });
      expect(res.errors![0]!.extensions).toMatchObject({ argument: 'id' });
      expectNoLeak(res.raw);
    }
  });

  it('an id of another type is BAD_USER_INPUT where a type is expected, and refetches it through node()', async () => {
    const person = fx.people[0]!;
    const article = fx.articles[0]!;
    for (const [field, id] of [
      ['article', person.id],
      ['source', article.id],
      ['person', fx.sources[0]!.id],
      ['article', fx.feedItems[0]!.id],
    ] as const) {
      const res = await app.gql(`query($id: ID!) { x: ${field}(id: $id) { id } }`, { id });
      expect([field, codes(res)]).toEqual([field, ['BAD_USER_INPUT']]);
      expect(res.errors![0]!.message).toMatch(/must be the ID of a/);
      expectNoLeak(res.raw);
    }
    const res = await app.gql('query($id: ID!) { node(id: $id) { __typename id } }', { id: person.id });
    expect(res.data).toEqual({ node: { __typename: 'Person', id: person.id } });
  });

  it('a missing record is null, not an error, by every key', async () => {
    const res = await app.gql(
      `{
        a: article(id: "${b64(`Article:${NIL}`)}") { id }
        b: article(slug: "nothing-here") { id }
        c: article(url: "https://nowhere.example/a") { id }
        d: source(id: "${b64(`Source:${NIL}`)}") { id }
        e: source(slug: "nothing-here") { id }
        f: person(id: "${b64(`Person:${NIL}`)}") { id }
        g: person(slug: "nobody-here") { id }
        h: node(id: "${b64(`FeedItem:${NIL}`)}") { id }
        i: node(id: "${b64(`Article:${NIL}`)}") { id }
      }`,
    );
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: null, b: null, c: null, d: null, e: null, f: null, g: null, h: null, i: null });
  });

  it('article() with no key, two keys or a bad URL is BAD_USER_INPUT', async () => {
    const a = fx.articles[0]!;
    for (const query of [
      '{ article { id } }',
      `{ article(slug: "${a.slug}", url: "${a.url}") { id } }`,
      `{ article(id: "${a.id}", slug: "${a.slug}") { id } }`,
      '{ article(slug: null) { id } }',
      '{ article(url: "not a url") { id } }',
      '{ article(url: "ftp://example.org/a") { id } }',
    ]) {
      const res = await app.gql(query);
      expect([query, codes(res)]).toEqual([query, ['BAD_USER_INPUT']]);
      expect(res.data).toEqual({ article: null });
      expectNoLeak(res.raw);
    }
  });

  it('filters refuse more than 100 ids, ids of the wrong type and bad language tags', async () => {
    const query = 'query($filter: ArticleFilter) { articles(filter: $filter) { totalCount } }';
    const many = Array.from({ length: 101 }, () => fx.sources[0]!.id);
    for (const filter of [{ sourceIds: many }, { personIds: [fx.sources[0]!.id] }, { sourceIds: ['garbage'] }, { language: '' }, { language: 'english please' }]) {
      const res = await app.gql(query, { filter });
      expect([filter, codes(res)]).toEqual([filter, ['BAD_USER_INPUT']]);
      expectNoLeak(res.raw);
    }
  });

  it('one bad field does not spoil its siblings', async () => {
    const res = await app.gql(`{ bad: article(id: "nope") { id } good: article(slug: "${fx.articles[1]!.slug}") { id } }`);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.path).toEqual(['bad']);
    expect(res.data).toEqual({ bad: null, good: { id: fx.articles[1]!.id } });
  });

  it('a malformed JSON body is a 400 with a JSON error and no stack', async () => {
    for (const body of ['{"query": ', '{query: "{ sources { totalCount } }"}', 'null', '"just a string"', '\u0000\u0001']) {
      const res = await postRaw(app, body);
      expect([body, res.status]).toEqual([body, 400]);
      expect(res.contentType).toMatch(/application\/json/);
      expect(res.json?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expectNoLeak(res.raw);
    }
  });

  it('a body over 100 kb is a 413 with a JSON error', async () => {
    const res = await postRaw(app, JSON.stringify({ query: '{ sources { totalCount } }', variables: { pad: 'x'.repeat(101 * 1024) } }));
    expect(res.status).toBe(413);
    expect(res.contentType).toMatch(/application\/json/);
    expect(res.json?.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expectNoLeak(res.raw);
    // Just under the limit is fine.
    const fine = await postRaw(app, JSON.stringify({ query: `{ sources { totalCount } } # ${'x'.repeat(90 * 1024)}` }));
    expect(fine.status).toBe(200);
  });

  it('a query syntax error is GRAPHQL_PARSE_FAILED, with a message saying where', async () => {
    for (const query of ['{ sources { totalCount ', '{ articles(first: ) { totalCount } }', 'query {', '}}}']) {
      const res = await app.gql(query);
      expect([query, res.status, codes(res)]).toEqual([query, 400, ['GRAPHQL_PARSE_FAILED']]);
      expect(res.errors![0]!.message).toMatch(/^Syntax Error/);
      expect(JSON.parse(res.raw).errors[0].locations).toEqual([expect.objectContaining({ line: expect.any(Number), column: expect.any(Number) })]);
      expectNoLeak(res.raw);
    }
  });

  it('an unknown field, argument or type is GRAPHQL_VALIDATION_FAILED, naming it', async () => {
    for (const [query, name] of [
      ['{ nope }', 'nope'],
      ['{ articles { edges { node { password } } } }', 'password'],
      ['{ articles(sort: "x") { totalCount } }', 'sort'],
      ['{ articles(orderBy: SIDEWAYS) { totalCount } }', 'SIDEWAYS'],
      ['query($x: Nope) { articles { totalCount } }', 'Nope'],
      ['{ articles(filter: { publishedAfter: "yesterday" }) { totalCount } }', 'yesterday'],
    ]) {
      const res = await app.gql(query!);
      expect([query, res.status, [...new Set(codes(res))]]).toEqual([query, 400, ['GRAPHQL_VALIDATION_FAILED']]);
      expect(res.errors![0]!.message).toContain(name);
      expectNoLeak(res.raw);
    }
  });

  it('variables of the wrong type are BAD_USER_INPUT before anything runs', async () => {
    const query = 'query($n: Int, $after: DateTime) { articles(first: $n, filter: { publishedAfter: $after }) { totalCount } }';
    for (const variables of [{ n: 'ten' }, { n: 2 ** 40 }, { n: 1.5 }, { after: 'not a date' }, { after: 12 }]) {
      const res = await app.gql(query, variables);
      expect([variables, res.status, codes(res)]).toEqual([variables, 400, ['BAD_USER_INPUT']]);
      expectNoLeak(res.raw);
    }
  });

  it('an unknown route is a JSON 404, and GET /graphql without a query does not execute anything', async () => {
    const res = await fetch(`${app.url}/no/such/route`);
    const raw = await res.text();
    expect(res.status).toBe(404);
    expect(JSON.parse(raw).errors[0].extensions.code).toBe('NOT_FOUND');
    expectNoLeak(raw);
    const get = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ sources { totalCount } }')}`, { headers: { accept: 'application/json' } });
    const getRaw = await get.text();
    expect(get.status).toBe(400);
    expectNoLeak(getRaw);
  });

  it('never answers with a stack trace, even for requests the server itself chokes on', async () => {
    const cases = [
      await postRaw(app, '{"query": "{ sources { totalCount } }", "variables": "not an object"}'),
      await postRaw(app, '{"query": 42}'),
      await postRaw(app, '{"query": "{ sources { totalCount } }", "operationName": 7}'),
      await postRaw(app, '{"query": "query A { sources { totalCount } } query B { people { totalCount } }"}'),
      await postRaw(app, '{"query": "{ sources { totalCount } }"}', { 'content-type': 'application/json; charset=utf-16' }),
      await postRaw(app, '[{"query": "{ sources { totalCount } }"}]'),
    ];
    for (const res of cases) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectNoLeak(res.raw);
    }
  });
});
