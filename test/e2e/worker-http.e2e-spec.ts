import { Command } from 'commander';
import { createLogger } from '../../src/common/logger';
import type { AppConfig } from '../../src/config/config';
import { SqlExecutor } from '../../src/db/sql-executor';
import { registerIngestCommands } from '../../src/cli/ingest-commands';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { ingestConfig } from '../support/ingest-app';
import { freePort } from '../support/free-port';

/**
 * `newsgate worker` with WORKER_HTTP_PORT: /healthz and /metrics (the ingestion counters and the
 * process metrics, METRICS_TOKEN as the gateway's) while it runs, nothing once it stopped.
 */
const TOKEN = 'worker-metrics-token-0123';


describe('newsgate worker serves /healthz and /metrics on WORKER_HTTP_PORT', () => {
  let database: TestDatabase;
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer();
    database = await createTestDatabase(ingestConfig({ INGEST_ARTICLE_PAGES: 'false', WORKER_POLL_INTERVAL_SECONDS: '1', METRICS_TOKEN: TOKEN }));
  });
  afterAll(async () => {
    await database?.drop();
    await server?.close();
  });

  function newsgate(config: AppConfig, args: string[], stopped: Promise<void> = Promise.resolve()): Promise<void> {
    const program = new Command().exitOverride();
    const db = new SqlExecutor(database.handle.dataSource);
    registerIngestCommands(program, (work) => work({ config, database: database.handle, db, logger: createLogger('silent') }), { log: () => undefined }, () => stopped);
    return program.parseAsync(['node', 'newsgate', ...args]).then(() => undefined);
  }

  it('answers while the worker runs, with the counters of the runs it made', async () => {
    await newsgate(database.config, ['sources', 'add', server.url('/feeds/atom.xml')]);
    await newsgate(database.config, ['sources', 'add', server.url('/feeds/rss1.rdf')]);
    const port = await freePort();
    const config: AppConfig = { ...database.config, logLevel: 'silent', worker: { ...database.config.worker, httpPort: port } };
    let stop: () => void = () => undefined;
    const done = newsgate(config, ['worker'], new Promise<void>((resolve) => (stop = resolve)));
    const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    try {
      const deadline = Date.now() + 20_000;
      let metrics = '';
      for (;;) {
        const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }).catch(() => null);
        metrics = res?.ok ? await res.text() : '';
        if (/newsgate_ingest_runs_total\{outcome="succeeded"\} 2/.test(metrics)) break;
        if (Date.now() > deadline) throw new Error(`the worker's metrics never showed both runs:\n${metrics}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(metrics).toMatch(/newsgate_ingest_fetches_total\{target="feed",outcome="ok"\} 2\n/);
      const fetched = Number(/newsgate_ingest_items_fetched_total (\d+)/.exec(metrics)?.[1]);
      expect(fetched).toBeGreaterThan(2);
      expect(metrics).toContain(`newsgate_ingest_items_total{result="stored"} ${fetched}\n`);
      expect(metrics).toContain('# TYPE process_cpu_user_seconds_total counter');
      // The worker serves no API: no GraphQL families, no /graphql.
      expect(metrics).not.toContain('newsgate_graphql_requests_total');
      expect((await fetch(`${base}/graphql`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const health = await fetch(`${base}/healthz`);
      expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    } finally {
      stop();
      await done;
    }
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
