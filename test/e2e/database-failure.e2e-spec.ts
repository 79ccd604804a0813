import { Client } from 'pg';
import { buildFixtures, type Fixtures } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { codes, expectNoLeak } from './helpers';

/**
 * A database failure under a running gateway is a masked error, never a crash
 * or a leak, and /readyz reports it while /healthz (the process) stays up. The app starts with
 * NODE_ENV=production (errors.e2e-spec.ts covers development). The tests run in order: a table
 * dropped from under the app first, then the whole database taken away.
 */
const MASKED = ['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE'];

describe('database failures (NODE_ENV=production)', () => {
  let app: TestApp;
  let fx: Fixtures;
  const savedNodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    process.env.NODE_ENV = 'production';
    try {
      app = await startTestApp(e2eConfig());
    } finally {
      process.env.NODE_ENV = savedNodeEnv;
    }
    fx = await buildFixtures(app.db, { articles: 12, feedItems: 12 });
  });
  afterAll(async () => {
    process.env.NODE_ENV = savedNodeEnv;
    // The database was closed under the app on purpose: closing it again may complain.
    await app?.close().catch(() => undefined);
  });

  async function probe(path: string) {
    const res = await fetch(`${app.url}${path}`);
    const raw = await res.text();
    expectNoLeak(raw);
    return { status: res.status, body: JSON.parse(raw) };
  }

  const ARTICLES = '{ articles(first: 3) { totalCount edges { node { title citedSources { name } } } } }';
  const SOURCES = '{ sources { totalCount edges { node { name } } } }';

  it('is healthy and ready to begin with', async () => {
    expect(await probe('/healthz')).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
    expect((await probe('/readyz')).status).toBe(200);
    const res = await app.gql(ARTICLES);
    expect(res.errors).toBeUndefined();
  });

  it('a table dropped under the running app gives a masked error on the fields that need it, and the rest keeps working', async () => {
    await app.db.manager.query('DROP TABLE article_cited_source');
    const res = await app.gql(ARTICLES);
    expect(res.status).toBeLessThan(500);
    expect(res.errors!.length).toBeGreaterThan(0);
    for (const error of res.errors!) {
      expect(MASKED).toContain(error.extensions?.code);
      expect(error.message).not.toMatch(/article_cited_source|relation|SELECT/);
    }
    expectNoLeak(res.raw);
    // Not a crash: other queries, health and readiness are unaffected.
    const sources = await app.gql(SOURCES);
    expect(sources.errors).toBeUndefined();
    expect(sources.data!.sources.totalCount).toBe(fx.sources.length);
    expect((await probe('/healthz')).status).toBe(200);
    expect((await probe('/readyz')).status).toBe(200);
  });

  it('with the database gone, queries get a masked error, /readyz is 503 and /healthz stays 200', async () => {
    await takeDatabaseAway(app);
    for (const query of [SOURCES, ARTICLES, `{ node(id: "${fx.articles[0]!.id}") { id } }`, '{ latestFeed { edges { node { headline } } } }']) {
      const res = await app.gql(query);
      expect(res.status).toBeLessThan(600);
      expect(res.errors!.length).toBeGreaterThan(0);
      // Unreachable is not a bug: clients are told to retry (SERVICE_UNAVAILABLE).
      for (const error of res.errors!) expect([query, error.extensions?.code]).toEqual([query, 'SERVICE_UNAVAILABLE']);
      expect(codes(res).length).toBeGreaterThan(0);
      expectNoLeak(res.raw);
    }
    const ready = await probe('/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).not.toMatch(/postgres|pglite|closed|terminat/i);
    expect(await probe('/healthz')).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
  });
});

/**
 * Postgres: refuse new connections to the test database and end the open ones, as a restart or a
 * network cut would. PGlite: close the embedded database itself.
 */
async function takeDatabaseAway(app: TestApp): Promise<void> {
  if (app.database.handle.kind === 'pglite') {
    await app.database.handle.pglite!.close();
    return;
  }
  const name = decodeURIComponent(new URL(app.database.config.databaseUrl!).pathname.slice(1));
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  } finally {
    await admin.end();
  }
}
