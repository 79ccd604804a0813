import { upsertFeedItems } from '../../src/feed-item/feed-item.repository';
import { seed } from '../../src/seed/seed';
import { wrapDatabaseError } from '../../src/common/errors/domain-errors';
import { usingPostgresServer } from '../support/database';
import { startTestApp, type TestApp } from '../support/test-app';
import { countingSql, postJson, queryHash } from '../support/syndication';

/**
 * Query limits and rate limits: every limit refuses with its own code and HTTP status before a statement
 * runs; the bucket is charged by cost (aliases included) and answers 429 with Retry-After and the
 * RateLimit headers.
 */
const LIMITS = { maxDepth: 8, maxCost: 3000, maxAliases: 15, maxTokens: 600, maxDirectives: 5 };

describe('limits and protection', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ graphqlLimits: LIMITS, rateLimits: { anonymous: { perSecond: 100_000, burst: 1_000_000 }, partner: { perSecond: 100_000, burst: 1_000_000 } } });
    await seed(app.db);
  });
  afterAll(() => app?.close());

  async function rejected(body: unknown, status: number, code: string, headers: Record<string, string> = {}) {
    const { statements, result } = await countingSql(() => postJson(`${app.url}/graphql`, body, headers));
    expect({ status: result.status, code: result.json?.errors?.[0]?.extensions?.code }).toEqual({ status, code });
    expect(result.json.data ?? undefined).toBeUndefined();
    expect(statements).toBe(0);
    return result;
  }

  it('refuses a query deeper than the limit: QUERY_TOO_DEEP', async () => {
    const deep = '{ latestFeed { edges { node { article { source { latestFeed { edges { node { source { name } } } } } } } } } }';
    const res = await rejected({ query: deep }, 400, 'QUERY_TOO_DEEP');
    expect(res.json.errors[0].message).toMatch(/depth limit of 8/);
  });

  it('counts depth through fragments too', async () => {
    const query = `query { latestFeed { ...E } } fragment E on FeedItemConnection { edges { node { article { source { latestFeed { edges { node { source { name } } } } } } } } }`;
    await rejected({ query }, 400, 'QUERY_TOO_DEEP');
  });

  it('refuses a query costlier than the limit: QUERY_TOO_COMPLEX', async () => {
    // Shallow and alias-free, but 100 sources × 100 articles each.
    const wide = '{ sources(first: 100) { edges { node { articles(first: 100) { edges { node { title authors { name } } } } } } } }';
    await rejected({ query: wide }, 400, 'QUERY_TOO_COMPLEX');
  });

  it('refuses more aliases than the limit: TOO_MANY_ALIASES', async () => {
    const query = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: sources { totalCount }`).join(' ')} }`;
    await rejected({ query }, 400, 'TOO_MANY_ALIASES');
  });

  it('refuses more directives than the limit: TOO_MANY_DIRECTIVES', async () => {
    const query = `{ __typename ${'@include(if: true) '.repeat(6)} }`;
    await rejected({ query }, 400, 'TOO_MANY_DIRECTIVES');
  });

  it('refuses a document over the token limit, unparsed: TOO_MANY_TOKENS', async () => {
    const query = `{ ${'__typename '.repeat(700)} }`;
    await rejected({ query }, 400, 'TOO_MANY_TOKENS');
  });

  it('refuses batched operations unless enabled: BATCHING_DISABLED', async () => {
    await rejected([{ query: '{ __typename }' }, { query: '{ __typename }' }], 400, 'BATCHING_DISABLED');
  });

  it('refuses a body over the cap with 413: PAYLOAD_TOO_LARGE', async () => {
    await rejected({ query: '{ __typename }', variables: { pad: 'x'.repeat(200 * 1024) } }, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('caps page sizes at 100 whatever a client asks', async () => {
    const [source] = await app.db.manager.query('SELECT id FROM source LIMIT 1');
    await app.db.transaction((manager) =>
      upsertFeedItems(
        manager,
        source.id,
        Array.from({ length: 130 }, (_, i) => ({
          itemKey: `cap-${i}`,
          headline: `Headline ${i}`,
          url: null,
          imageUrl: null,
          language: 'en',
          publishedAt: new Date(Date.UTC(2020, 0, 1, 0, i)),
          position: 1,
          articleId: null,
        })),
      ),
    );
    // A variable, not a literal: armor's cost rule prices literal page sizes, the resolvers cap any.
    const res = await app.gql('query Cap($n: Int) { latestFeed(first: $n) { edges { node { id } } pageInfo { hasNextPage } } }', { n: 5000 });
    expect(res.errors).toBeUndefined();
    expect(res.data!.latestFeed.edges).toHaveLength(100);
    expect(res.data!.latestFeed.pageInfo.hasNextPage).toBe(true);
  });

  describe('automatic persisted queries', () => {
    const query = '{ latestFeed(first: 2) { edges { node { headline } } } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: queryHash(query) } };

    it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND and no SQL', async () => {
      const { statements, result } = await countingSql(() => postJson(`${app.url}/graphql`, { extensions }));
      expect(result.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(statements).toBe(0);
    });

    it('registers a query with its hash, then runs it from the hash alone, over GET too', async () => {
      const registered = await postJson(`${app.url}/graphql`, { query, extensions });
      expect(registered.json.errors).toBeUndefined();
      const byHash = await postJson(`${app.url}/graphql`, { extensions });
      expect(byHash.json).toEqual(registered.json);
      const get = await fetch(`${app.url}/graphql?extensions=${encodeURIComponent(JSON.stringify(extensions))}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(get.status).toBe(200);
      expect(await get.json()).toEqual(registered.json);
      expect(get.headers.get('cache-control')).toBe('max-age=60, public');
    });

    it('refuses a hash that does not match the query', async () => {
      const res = await postJson(`${app.url}/graphql`, { query: '{ __typename }', extensions });
      expect(res.status).toBe(400);
    });
  });

  it('checks the statement_timeout every pooled connection carries', async () => {
    if (!usingPostgresServer()) {
      console.log('skipped: statement_timeout is set per connection on a Postgres server; PGlite runs one in-process session without it');
      return;
    }
    const [row] = await app.db.manager.query('SHOW statement_timeout');
    expect(row.statement_timeout).toBe('5s');
    const error = await app.db.manager.query('SET LOCAL statement_timeout = 50; SELECT pg_sleep(1)').catch((e: unknown) => e);
    expect(wrapDatabaseError(error).code).toBe('SERVICE_UNAVAILABLE');
  });
});

describe('rate limits', () => {
  let app: TestApp;
  beforeAll(async () => {
    // A bucket of 200 points (RateLimit-Limit), 20 of them each second.
    app = await startTestApp({ rateLimits: { anonymous: { perSecond: 20, burst: 200 }, partner: { perSecond: 20, burst: 200 } } });
    await seed(app.db);
  });
  afterAll(() => app?.close());

  it('charges by cost: 15 aliases cost 15 times one field, and the bucket then refuses with 429', async () => {
    const [{ slug }] = await app.db.manager.query('SELECT slug FROM article LIMIT 1');
    const one = await app.gql('query One($s: String!) { article(slug: $s) { title } }', { s: slug });
    expect(one.errors).toBeUndefined();
    // One statement and one row (query-cost.ts).
    expect(one.headers.get('x-query-cost')).toBe('11');
    expect(one.headers.get('ratelimit-limit')).toBe('200');
    expect(Number(one.headers.get('ratelimit-remaining'))).toBe(189);

    const fifteen = `query Fifteen($s: String!) { ${Array.from({ length: 15 }, (_, i) => `a${i}: article(slug: $s) { title }`).join(' ')} }`;
    const first = await app.gql(fifteen, { s: slug });
    expect(first.errors).toBeUndefined();
    expect(first.headers.get('x-query-cost')).toBe('165');

    let refused;
    for (let i = 0; i < 5 && !refused; i++) {
      const { statements, result } = await countingSql(() => app.gql(fifteen, { s: slug }));
      if (result.status === 429) {
        refused = result;
        expect(statements).toBe(0);
      }
    }
    expect(refused).toBeDefined();
    expect(refused!.errors![0]!.extensions!.code).toBe('RATE_LIMITED');
    expect(refused!.errors![0]!.extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused!.headers.get('ratelimit-limit')).toBe('200');
    expect(refused!.headers.get('ratelimit-remaining')).not.toBeNull();
    expect(refused!.headers.get('ratelimit-policy')).toMatch(/^200;w=\d+$/);
    expect(refused!.data ?? undefined).toBeUndefined();
  });

  it('limits feeds too, per client', async () => {
    let status = 200;
    for (let i = 0; i < 5 && status === 200; i++) status = (await fetch(`${app.url}/feeds/latest.json`)).status;
    expect(status).toBe(429);
  });
});
