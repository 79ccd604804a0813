import { seed } from '../../src/seed/seed';
import { startTestApp, type TestApp } from '../support/test-app';
import { countingSql, dropRedisPrefix, postJson, queryHash, redisAvailable, REDIS_URL, startExtraGateway, uniqueRedisPrefix, type ExtraGateway } from '../support/syndication';

/**
 * Limits and caches with REDIS_URL: two gateway processes' worth of app (each its own limiter,
 * Apollo and caches) share the bucket, the response cache, persisted queries and invalidation.
 */
describe('two gateways sharing Redis', () => {
  let a: TestApp;
  let b: ExtraGateway;
  let skip = false;
  const prefix = uniqueRedisPrefix();
  const SIDEBAR = '{ latestFeed(first: 4) { edges { node { headline } } } }';

  beforeAll(async () => {
    if (!(await redisAvailable())) {
      skip = true;
      return;
    }
    const shared = {
      redisUrl: REDIS_URL,
      redisKeyPrefix: prefix,
      // Room for two of the fifteen-alias queries below (165 points each, of which at most 10 from
      // the second's window), never three: 390 points in reserve.
      rateLimits: { anonymous: { perSecond: 10, burst: 400 }, partner: { perSecond: 10, burst: 400 } },
    };
    a = await startTestApp(shared);
    await seed(a.db);
    b = await startExtraGateway(a, shared);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (!skip) await dropRedisPrefix(prefix);
  });

  const skipped = () => {
    if (skip) console.log(`skipped: no Redis answers at ${REDIS_URL} (CI starts one)`);
    return skip;
  };

  it('shares one bucket: what one gateway charged, the other refuses', async () => {
    if (skipped()) return;
    const [{ slug }] = await a.db.manager.query('SELECT slug FROM article LIMIT 1');
    const fifteen = `query F($s: String!) { ${Array.from({ length: 15 }, (_, i) => `a${i}: article(slug: $s) { slug }`).join(' ')} }`;
    expect((await a.gql(fifteen, { s: slug })).status).toBe(200);
    expect((await a.gql(fifteen, { s: slug })).status).toBe(200);
    // b has charged nothing itself; with in-process limits this would pass.
    const { statements, result } = await countingSql(() => postJson(`${b.url}/graphql`, { query: fifteen, variables: { s: slug } }));
    expect(result.status).toBe(429);
    expect(result.json.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(result.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(statements).toBe(0);
  });

  it('tells on one gateway what the other drew from the shared reserve (RateLimit-Remaining)', async () => {
    if (skipped()) return;
    // A partner key of its own: a full bucket of 400, 10 a second and a reserve of 390.
    const { secret } = await a.gateway.services.services.apiKeys.create({ name: 'Reserve reader' });
    const key = { 'x-api-key': secret };
    const [{ slug }] = await a.db.manager.query('SELECT slug FROM article LIMIT 1');
    const fifteen = `query F($s: String!) { ${Array.from({ length: 15 }, (_, i) => `a${i}: article(slug: $s) { slug }`).join(' ')} }`;
    const drawn = await postJson(`${a.url}/graphql`, { query: fifteen, variables: { s: slug } }, key);
    expect(drawn.status).toBe(200);
    expect(Number(drawn.headers.get('x-query-cost'))).toBe(165); // 10 from this second's window, 155 from the reserve
    // Once that second's window has passed (it began before the answer came), a small request is
    // paid by the new window alone, and the reserve is only read: b has never charged this key, so
    // what it reports of the reserve comes from Redis alone. An untouched reserve would say 390.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const small = await postJson(`${b.url}/graphql`, { query: '{ __typename }' }, key);
    expect(small.status).toBe(200);
    const charged = Math.max(1, Number(small.headers.get('x-query-cost'))); // at least a point
    expect(Number(small.headers.get('ratelimit-remaining'))).toBe(10 - charged + (390 - 155));
  });

  it('remembers partner keys on both gateways, and a revocation on one ends the key on the other at once', async () => {
    if (skipped()) return;
    const { secret, apiKey } = await a.gateway.services.services.apiKeys.create({ name: 'Shared partner' });
    const key = { 'x-api-key': secret };
    const query = '{ sources(first: 1) { totalCount } }';
    expect((await postJson(`${b.url}/graphql`, { query }, key)).status).toBe(200);
    // Key remembered and response cached: nothing reaches the database.
    const again = await countingSql(() => postJson(`${b.url}/graphql`, { query }, key));
    expect(again.result.status).toBe(200);
    expect(again.statements).toBe(0);
    await a.gateway.services.services.apiKeys.revoke(apiKey.id);
    const refused = await postJson(`${b.url}/graphql`, { query }, key);
    expect(refused.status).toBe(401);
    expect(refused.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('shares cached responses, persisted queries and their invalidation', async () => {
    if (skipped()) return;
    // A partner key of its own is a full bucket (the anonymous one is spent above); public answers
    // are cached and shared whoever asks.
    const { secret } = await a.gateway.services.services.apiKeys.create({ name: 'Cache reader' });
    const key = { 'x-api-key': secret };
    // b reads the key once, now, so the cached answer below runs no statement at all.
    expect((await postJson(`${b.url}/graphql`, { query: '{ __typename }' }, key)).status).toBe(200);
    const extensions = { persistedQuery: { version: 1, sha256Hash: queryHash(SIDEBAR) } };
    const first = await postJson(`${a.url}/graphql`, { query: SIDEBAR, extensions }, key);
    expect(first.json.errors).toBeUndefined();
    const hit = await countingSql(() => postJson(`${b.url}/graphql`, { extensions }, key));
    expect(hit.result.json).toEqual(first.json);
    expect(hit.result.headers.get('age')).not.toBeNull();
    expect(hit.statements).toBe(0);
    await a.gateway.cacheInvalidation.newItemsStored();
    const afterInvalidation = await countingSql(() => postJson(`${b.url}/graphql`, { extensions }, key));
    expect(afterInvalidation.result.headers.get('age')).toBeNull();
    expect(afterInvalidation.statements).toBeGreaterThan(0);
  }, 30_000);
});
