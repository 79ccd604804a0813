import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Redis from 'ioredis';
import { seed } from '../../src/seed/seed';
import { ADMIN_TOKEN, admin, dropRedisPrefix, postJson, queryHash, redisAvailable, REDIS_URL, uniqueRedisPrefix } from '../support/syndication';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';

/**
 * Automatic persisted queries, as a caller can register them through /graphql with Redis: 2,500
 * anonymous registrations of ~115 KB each were once kept for a day. Now each caller has an hourly
 * budget of new registrations, a query text over the size limit is run but not stored, and an
 * anonymous registration lives an hour, a partner's a day.
 */
describe('persisted query registrations', () => {
  let app: TestApp;
  let redis: Redis;
  let skip = false;
  const prefix = uniqueRedisPrefix();
  const BUDGET = 3;
  const MAX_LENGTH = 2000;
  const ANONYMOUS_TTL = 600;
  const PARTNER_TTL = 7200;

  beforeAll(async () => {
    if (!(await redisAvailable())) {
      skip = true;
      return;
    }
    app = await startTestApp({
      ...e2eConfig({
        ADMIN_TOKEN,
        TRUST_PROXY: 'true',
        PERSISTED_QUERY_MAX_LENGTH: String(MAX_LENGTH),
        PERSISTED_QUERY_TTL_ANONYMOUS_SECONDS: String(ANONYMOUS_TTL),
        PERSISTED_QUERY_TTL_PARTNER_SECONDS: String(PARTNER_TTL),
        PERSISTED_QUERY_REGISTRATIONS_ANONYMOUS_PER_HOUR: String(BUDGET),
        PERSISTED_QUERY_REGISTRATIONS_PARTNER_PER_HOUR: String(BUDGET),
      }),
      redisUrl: REDIS_URL,
      redisKeyPrefix: prefix,
    });
    await seed(app.db);
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await app?.close();
    if (!skip) await dropRedisPrefix(prefix);
  });

  const skipped = () => {
    if (skip) console.log(`skipped: no Redis answers at ${REDIS_URL} (CI starts one)`);
    return skip;
  };

  /** A distinct query per n, as a flood of registrations would send. */
  const query = (n: number, padding = '') => `query Q${n} { latestFeed(first: 1) { totalCount } }${padding}`;
  const extensionsOf = (text: string) => ({ persistedQuery: { version: 1, sha256Hash: queryHash(text) } });
  const key = (text: string) => `${prefix}cache:apq:${queryHash(text)}`;

  /** Registers (query and hash together), as an APQ client does after PERSISTED_QUERY_NOT_FOUND. */
  async function register(text: string, headers: Record<string, string>) {
    const res = await postJson(`${app.url}/graphql`, { query: text, extensions: extensionsOf(text) }, headers);
    // Whether stored or not, the query itself runs.
    expect([res.status, res.json.errors]).toEqual([200, undefined]);
    expect(res.json.data.latestFeed.totalCount).toBeGreaterThan(0);
  }

  /** A hash-only request: the answer if the registration was stored, PERSISTED_QUERY_NOT_FOUND if not. */
  async function stored(text: string, headers: Record<string, string> = {}): Promise<boolean> {
    const res = await postJson(`${app.url}/graphql`, { extensions: extensionsOf(text) }, headers);
    if (res.json.errors) {
      expect(res.json.errors.map((e: any) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      return false;
    }
    return res.json.data.latestFeed.totalCount > 0;
  }

  const from = (address: string) => ({ 'x-forwarded-for': address });

  it('stores a caller’s first registrations of the hour and runs, without storing, the rest of a flood', async () => {
    if (skipped()) return;
    const flood = Array.from({ length: 40 }, (_, n) => query(n));
    for (const text of flood) await register(text, from('203.0.113.1'));
    const keys = await redis.keys(`${prefix}cache:apq:*`);
    expect(keys.sort()).toEqual(flood.slice(0, BUDGET).map(key).sort());
    expect(await stored(flood[0]!)).toBe(true);
    expect(await stored(flood[BUDGET]!)).toBe(false);
    // An anonymous registration is kept for the anonymous TTL, not a day.
    const ttl = await redis.ttl(key(flood[0]!));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(ANONYMOUS_TTL);
    // A hash already stored is neither charged nor rewritten: registering it again still works.
    await register(flood[0]!, from('203.0.113.1'));
  });

  it('counts the budget per caller: another address, and a partner key, have their own', async () => {
    if (skipped()) return;
    const other = query(100);
    await register(other, from('203.0.113.2'));
    expect(await stored(other)).toBe(true);

    const { secret } = await app.gateway.services.services.apiKeys.create({ name: 'APQ partner' });
    const partnerQuery = query(200);
    await register(partnerQuery, { ...from('203.0.113.1'), 'x-api-key': secret });
    expect(await stored(partnerQuery)).toBe(true);
    const ttl = await redis.ttl(key(partnerQuery));
    expect(ttl).toBeGreaterThan(ANONYMOUS_TTL);
    expect(ttl).toBeLessThanOrEqual(PARTNER_TTL);
  });

  it('does not store a query text over the size limit (comment padding counts), nor charge for it', async () => {
    if (skipped()) return;
    const padded = query(300, `\n# ${'padding '.repeat(300)}`);
    expect(padded.length).toBeGreaterThan(MAX_LENGTH);
    await register(padded, from('203.0.113.3'));
    expect(await stored(padded)).toBe(false);
    expect(await redis.exists(key(padded))).toBe(0);
    // The caller's budget is intact.
    const next = query(301);
    await register(next, from('203.0.113.3'));
    expect(await stored(next)).toBe(true);
  });

  it('leaves admins uncounted', async () => {
    if (skipped()) return;
    const texts = Array.from({ length: BUDGET + 2 }, (_, n) => query(400 + n));
    for (const text of texts) await register(text, { ...from('203.0.113.4'), ...admin });
    for (const text of texts) expect(await stored(text)).toBe(true);
  });

  it('gives Redis a memory bound that evicts only expiring keys (docker-compose.yml)', () => {
    let config: string;
    try {
      config = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        console.log('skipped: docker-compose is not installed (npm test installs it)');
        return;
      }
      throw error;
    }
    const redisService = config.slice(config.indexOf('\n  redis:'), config.indexOf('\n  worker:'));
    expect(redisService).toMatch(/- --maxmemory\n\s+- 256mb\n/);
    expect(redisService).toMatch(/- --maxmemory-policy\n\s+- volatile-lru\n/);
  });
});
