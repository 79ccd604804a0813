import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/config';
import { openDatabase, type DatabaseHandle } from '../../src/db/data-source';
import { SqlExecutor } from '../../src/db/sql-executor';
import { createGateway, type Gateway } from '../../src/composition/gateway';
import { seed } from '../../src/seed/seed';
import { captureLogs } from '../support/captured-logs';
import { createTestDatabase, usingPostgresServer, type TestDatabase } from '../support/database';
import { freePort } from '../support/free-port';
import { startGatewayProcess, tryConnect } from '../support/processes';
import { startTestApp, type TestApp } from '../support/test-app';
import { until } from '../support/wait';
import { E2E_ENV, e2eConfig } from '../support/e2e-config';
import { expectNoLeak } from './helpers';

/**
 * Faults an outside tester provoked by hand, kept as checks: Postgres stopped and started under a
 * running gateway, Redis killed and restarted, SIGTERM with requests in flight. Each runs against
 * real processes the test starts itself (a Postgres cluster of its own, a redis-server of its own,
 * the gateway as a process), never the shared Postgres or Redis other tests and engineers use.
 *
 * The load is a handful of clients each sending the next request as soon as the last one is
 * answered; the checks are on what every request got, and the test waits for conditions (with
 * deadlines far above what they take) rather than for fixed times.
 */
const ADMIN_TOKEN = 'faults-admin-token-0123456789abcdef';
const SIDEBAR = '{ latestFeed(first: 20) { edges { node { headline source { name } article { title } } } } }';
/** No request may take longer than this, database down or not: beyond it, it counts as a hang. */
const REQUEST_BOUND_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// Waiting and load.

interface Outcome {
  id: string;
  startedAt: number;
  endedAt: number;
  status?: number;
  headers?: Headers;
  raw?: string;
  /** The client got no HTTP answer: the error's code (ECONNREFUSED, UND_ERR_SOCKET, TimeoutError...). */
  failure?: string;
  /** HTTP 200 with data and no errors (a JSON body; for GraphQL, no `errors`). */
  ok: boolean;
  /** `extensions.code` of every error in a JSON body. */
  codes: string[];
}

const succeeded = (outcome: Outcome): boolean => outcome.ok;
const errorCodes = (outcome: Outcome): string[] => outcome.codes;

/** Read once, when the answer comes: the load's checks look at thousands of outcomes many times. */
function judge(status: number, raw: string): Pick<Outcome, 'ok' | 'codes'> {
  let body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } | null = null;
  try {
    body = JSON.parse(raw);
  } catch {
    // not JSON (a feed): judged by its status alone
  }
  if (body === null) return { ok: status === 200, codes: [] };
  const codes = (body.errors ?? []).map((e) => String(e.extensions?.code));
  return { ok: status === 200 && body.errors === undefined && body.data != null, codes };
}

/** Sends one request with a deadline; never throws. */
async function send(id: string, url: string, init: RequestInit): Promise<Outcome> {
  const startedAt = Date.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_BOUND_MS) });
    const raw = await response.text();
    return { id, startedAt, endedAt: Date.now(), status: response.status, headers: response.headers, raw, ...judge(response.status, raw) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { id, startedAt, endedAt: Date.now(), failure: cause?.code ?? (error as Error).name, ok: false, codes: [] };
  }
}

/**
 * `clients` loops, each sending `request(n)` as soon as its previous one was answered, until
 * stopped (or `keepGoing` says no more). Every outcome is kept, in the order answers came.
 */
function steadyLoad(clients: number, request: (n: number) => Promise<Outcome>, keepGoing: () => boolean = () => true) {
  const outcomes: Outcome[] = [];
  let stopped = false;
  let sent = 0;
  let pending = 0;
  const loops = Array.from({ length: clients }, async () => {
    while (!stopped && keepGoing()) {
      pending++;
      const outcome = await request(sent++).finally(() => pending--);
      outcomes.push(outcome);
      // A client that failed to connect tries again a little later, as a real one would.
      if (outcome.failure) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    outcomes,
    /** Requests sent and not answered yet (or failed): one per client at most. */
    inFlight: () => pending,
    /** Outcomes of requests started at or after `since`. */
    since: (since: number) => outcomes.filter((outcome) => outcome.startedAt >= since),
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

function postSidebar(base: string, id: string, headers: Record<string, string> = {}): Promise<Outcome> {
  return send(id, `${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': id, ...headers },
    body: JSON.stringify({ query: SIDEBAR }),
  });
}

// ---------------------------------------------------------------------------------------------
// Processes of the test's own: a Postgres cluster and a redis-server.

/** The Postgres server binaries (Debian's layout, newest version first), or a clear failure. */
function postgresBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((version) => path.join(root, version, 'bin')).find((bin) => existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'postgres')));
  if (!found) {
    throw new Error(
      'These fault tests start a Postgres cluster of their own and need the Postgres server binaries (/usr/lib/postgresql/<version>/bin/initdb and postgres), ' +
        'which are missing. Install them: `sudo apt-get install postgresql` (Debian/Ubuntu); CI machines have them.',
    );
  }
  return found;
}

/**
 * Postgres refuses to run as root: under root (containers, CI) the cluster runs as the
 * `postgres` account the Debian package creates, or `nobody`.
 */
function unprivilegedAccount(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
  const entry = passwd.find((fields) => fields[0] === 'postgres') ?? passwd.find((fields) => fields[0] === 'nobody');
  if (!entry) throw new Error('running as root, and neither a postgres nor a nobody account exists to run the test cluster as');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

/**
 * A throw-away cluster: initdb once (durability off, it holds nothing worth keeping), listening on
 * 127.0.0.1 at a free port with its socket in its own directory. Stopped by signals to the
 * postmaster, which is what `pg_ctl stop -m fast` (SIGINT) and `-m immediate` (SIGQUIT) send.
 */
class PostgresCluster {
  private postmaster: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private log = '';

  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    private readonly account: { uid: number; gid: number } | null,
    readonly port: number,
  ) {}

  static async create(): Promise<PostgresCluster> {
    const bin = postgresBinaries();
    const account = unprivilegedAccount();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'newsgate-faults-pg-'));
    if (account) chownSync(dir, account.uid, account.gid);
    const cluster = new PostgresCluster(bin, dir, account, await freePort());
    const initdb = spawnSync(path.join(bin, 'initdb'), ['-D', cluster.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], {
      encoding: 'utf8',
      ...(account ?? {}),
    });
    if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr || String(initdb.error)}`);
    return cluster;
  }

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the postmaster and resolves with the time a client first connected. */
  async start(): Promise<number> {
    const settings = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'listen_addresses=127.0.0.1', 'max_connections=40', 'shared_buffers=16MB'];
    const postmaster = spawn(path.join(this.bin, 'postgres'), ['-D', this.dataDir, '-p', String(this.port), '-k', this.dir, ...settings.flatMap((s) => ['-c', s])], {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(this.account ?? {}),
    });
    postmaster.stderr!.on('data', (chunk) => (this.log = (this.log + chunk).slice(-20_000)));
    this.postmaster = postmaster;
    // Should the test process end without its afterAll (a crash, a killed worker), no cluster stays behind.
    const orphaned = () => postmaster.kill('SIGQUIT');
    process.once('exit', orphaned);
    this.exited = new Promise((resolve) =>
      postmaster.once('exit', () => {
        process.off('exit', orphaned);
        resolve();
      }),
    );
    let acceptedAt = 0;
    await until(async () => {
      if (postmaster.exitCode !== null) throw new Error(`postgres exited at start:\n${this.log}`);
      const client = new Client({ connectionString: this.url(), connectionTimeoutMillis: 2000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        acceptedAt = Date.now();
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    }, 'the test cluster to accept connections', 60_000);
    return acceptedAt;
  }

  /** Stops the postmaster the way pg_ctl's fast or immediate mode does, and waits for it to exit. */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    if (!this.postmaster || this.postmaster.exitCode !== null) return;
    this.postmaster.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await this.exited;
  }

  async destroy(): Promise<void> {
    await this.stop('immediate');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const REDIS_SERVER = '/usr/bin/redis-server';

/** A redis-server of the test's own on a free port: nothing saved, nothing shared. */
class RedisProcess {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async create(): Promise<RedisProcess> {
    if (!existsSync(REDIS_SERVER)) {
      throw new Error(`These fault tests start a redis-server of their own (${REDIS_SERVER}), which is missing. Install it: \`sudo apt-get install redis-server\`.`);
    }
    return new RedisProcess(await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'newsgate-faults-redis-'));
    const child = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    this.child = child;
    const orphaned = () => child.kill('SIGKILL');
    process.once('exit', orphaned);
    child.once('exit', () => {
      process.off('exit', orphaned);
      rmSync(dir, { recursive: true, force: true });
    });
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await until(async () => {
        try {
          if (probe.status !== 'ready') await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          probe.disconnect();
          return false;
        }
      }, 'redis-server to answer');
    } finally {
      probe.disconnect();
    }
  }

  /** SIGKILL: no goodbye to its clients, as when the process or its host dies. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------

describe('Postgres stopped and started under a steady stream of sidebar requests', () => {
  let cluster: PostgresCluster;
  let database: DatabaseHandle;
  let gateway: Gateway;
  let server: Server;
  let base: string;
  let sourceId: string;
  const logs = captureLogs('warn');

  beforeAll(async () => {
    cluster = await PostgresCluster.create();
    await cluster.start();
    const admin = new Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE newsgate');
    await admin.end();
    // The configuration the gateway would read from its environment, on this cluster.
    const config = { ...loadConfig({ ...E2E_ENV, DATABASE_URL: cluster.url('newsgate'), ADMIN_TOKEN }), databasePoolSize: 4 };
    database = await openDatabase(config);
    const db = new SqlExecutor(database.dataSource, database.isOpen);
    await seed(db);
    gateway = await createGateway({ config, db, logger: logs.logger });
    server = await gateway.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sources = await send('sources', `${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ sources(first: 1) { edges { node { id } } } }' }) });
    sourceId = JSON.parse(sources.raw!).data.sources.edges[0].node.id;
  }, 120_000);
  afterAll(async () => {
    server?.close();
    server?.closeAllConnections();
    await gateway?.stop().catch(() => undefined);
    await database?.close().catch(() => undefined);
    await cluster?.destroy();
  });

  async function probe(route: string) {
    const outcome = await send(route, `${base}${route}`, {});
    expect(outcome.failure).toBeUndefined();
    expectNoLeak(outcome.raw!);
    return { status: outcome.status!, body: JSON.parse(outcome.raw!) };
  }

  it('answers SERVICE_UNAVAILABLE while it is down (fast, then immediate shutdown), /readyz 503, and recovers by itself as soon as it is back', async () => {
    const load = steadyLoad(4, (n) => postSidebar(base, `sidebar-${n}`));
    const cycles: Array<{ mode: string; stoppedAt: number; acceptedAt: number; firstSuccessAfter: number }> = [];
    try {
      for (const mode of ['fast', 'immediate'] as const) {
        const phase = Date.now();
        await until(() => load.since(phase).filter(succeeded).length >= 20, 'sidebar requests to succeed');

        const stoppedAt = Date.now();
        await cluster.stop(mode);
        await until(() => load.since(stoppedAt).filter((o) => !succeeded(o)).length >= 10, 'requests to fail while Postgres is down');
        const ready = await probe('/readyz');
        expect(ready.status).toBe(503);
        expect(JSON.stringify(ready.body)).not.toMatch(/postgres|ECONN|terminat|connect/i);
        expect(await probe('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
        const feed = await send('feed', `${base}/feeds/latest.rss`, {});
        expect([feed.status, errorCodes(feed)]).toEqual([503, ['SERVICE_UNAVAILABLE']]);
        expectNoLeak(feed.raw!);
        // Writes too: an admin's change, which runs in a transaction, is retryable as well.
        const write = await send('write', `${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
          body: JSON.stringify({ query: 'mutation($id: ID!) { updateSource(id: $id, input: { name: "Renamed" }) { id } }', variables: { id: sourceId } }),
        });
        expect([write.status, errorCodes(write)]).toEqual([200, ['SERVICE_UNAVAILABLE']]);
        expectNoLeak(write.raw!);

        // Back: nothing is done to the gateway. A request begun once Postgres accepts connections
        // must succeed; the pool holds no dead connection to fail it on.
        const acceptedAt = await cluster.start();
        await until(() => load.since(acceptedAt).filter(succeeded).length >= 20, 'sidebar requests to succeed again');
        const firstSuccess = load.outcomes.find((o) => o.endedAt >= acceptedAt && succeeded(o))!;
        cycles.push({ mode, stoppedAt, acceptedAt, firstSuccessAfter: firstSuccess.endedAt - acceptedAt });
        expect((await probe('/readyz')).status).toBe(200);
      }
    } finally {
      await load.stop();
    }

    // Every request was answered, within the bound: never a hang, a reset or an HTTP error page.
    expect(load.outcomes.filter((o) => o.failure !== undefined).map((o) => `${o.id}: ${String(o.failure)}`)).toEqual([]);
    const failed = load.outcomes.filter((o) => !succeeded(o));
    expect(failed.length).toBeGreaterThanOrEqual(20);
    for (const outcome of load.outcomes) expectNoLeak(outcome.raw!);
    // A failure is the retryable SERVICE_UNAVAILABLE, nothing else, on every error of the response.
    expect(new Set(failed.flatMap(errorCodes))).toEqual(new Set(['SERVICE_UNAVAILABLE']));
    for (const outcome of failed) expect([200, 503]).toContain(outcome.status);
    for (const outcome of failed) expect(JSON.parse(outcome.raw!).errors[0].message).toBe('The database is unavailable; try again shortly.');
    // Every request begun after Postgres accepted connections again succeeded.
    // (Up to the next stop, which fails the requests it finds in flight.)
    for (const [i, { mode, acceptedAt }] of cycles.entries()) {
      const nextStop = cycles[i + 1]?.stoppedAt ?? Infinity;
      const whileUp = load.since(acceptedAt).filter((o) => o.endedAt < nextStop);
      expect([mode, whileUp.filter((o) => !succeeded(o)).map((o) => `${o.startedAt - acceptedAt} ms after: ${String(o.raw)}`)]).toEqual([mode, []]);
    }
    // The outage is in the logs (for the operator), masked in the responses.
    expect(logs.parsed().some((line) => line.level >= 40 && /readiness check failed|resolver failed/.test(line.msg))).toBe(true);
    // For the report: how long after Postgres accepted connections the first success was answered.
    console.log(`Postgres restarts: ${cycles.map((c) => `${c.mode}: first success answered ${c.firstSuccessAfter} ms after Postgres accepted connections`).join('; ')}`);
  }, 180_000);
});

// ---------------------------------------------------------------------------------------------

describe('Redis killed (SIGKILL) and restarted under load', () => {
  let redis: RedisProcess;
  let app: TestApp;
  let inspect: Redis;
  const prefix = `newsgate-faults-${process.pid}:`;
  const logs = captureLogs('info');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    redis = await RedisProcess.create();
    await redis.start();
    app = await startTestApp(
      {
        ...e2eConfig({ RESPONSE_CACHE: 'true' }),
        redisUrl: redis.url,
        redisKeyPrefix: prefix,
        // Each load request comes from an address of its own (X-Forwarded-For), so the load is
        // never limited, while one greedy address can still be.
        trustProxy: true,
        rateLimits: { anonymous: { perSecond: 50, burst: 100 }, partner: { perSecond: 50, burst: 100 } },
      },
      logs.logger,
    );
    await seed(app.db);
    inspect = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    inspect.on('error', () => undefined);
  }, 120_000);
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    inspect?.disconnect();
    await app?.close();
    await redis?.kill();
  });

  const keys = async (pattern: string) => inspect.keys(`${prefix}${pattern}`).catch(() => [] as string[]);
  const FEED_AND_SIDEBAR = (n: number) => {
    const address = { 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
    return n % 3 === 2 ? send(`feed-${n}`, `${app.url}/feeds/latest.rss`, { headers: address }) : postSidebar(app.url, `sidebar-${n}`, address);
  };
  const GREEDY = '{ latestFeed(first: 60) { edges { node { headline } } } }';
  const greedy = (n: number) =>
    send(`greedy-${n}`, `${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.1' },
      body: JSON.stringify({ query: GREEDY }),
    });

  it('keeps answering with in-process limits and caches, logs the outage, and uses Redis again once it is back', async () => {
    const load = steadyLoad(3, FEED_AND_SIDEBAR);
    try {
      // Limits and cached responses live in Redis.
      await until(async () => (await keys('rl:*')).length > 0 && (await keys('cache:*')).length > 0, 'limiter and cache keys in Redis');

      const killedAt = Date.now();
      await redis.kill();
      await until(() => load.since(killedAt).filter((o) => o.status === 200).length >= 30, 'requests answered while Redis is down');
      await until(() => logs.parsed().some((line) => line.level === 40 && /redis unavailable/.test(line.msg)), 'the log to say Redis is down');
      // Limits still hold, in-process: a caller spending more than its bucket is refused.
      const refused = await greedyUntilRefused(greedy);
      expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
      expect(Number(refused.headers!.get('retry-after'))).toBeGreaterThanOrEqual(1);

      // Back on the same port, empty: the gateway reconnects by itself and writes there again.
      const restartedAt = Date.now();
      await redis.start();
      await until(async () => (await keys('rl:*')).length > 0 && (await keys('cache:*')).length > 0, 'limiter and cache keys in Redis again');
      await until(() => load.since(restartedAt).filter((o) => o.status === 200).length >= 10, 'requests answered after Redis is back');
      await until(() => logs.parsed().some((line) => line.level === 30 && /redis reachable again/.test(line.msg)), 'the log to say Redis is back');
    } finally {
      await load.stop();
    }

    // Every load request was answered, with data: an outage of Redis costs speed, never an answer.
    const notOk = load.outcomes.filter((o) => !succeeded(o));
    expect(notOk.map((o) => `${o.id}: ${o.failure ?? `HTTP ${String(o.status)} ${String(o.raw?.slice(0, 200))}`}`)).toEqual([]);
    expect(unhandled).toEqual([]);
    // Nothing logged as an error: Redis being down is a warning, and only one line per outage.
    expect(logs.parsed().filter((line) => line.level >= 50)).toEqual([]);
    expect(logs.parsed().filter((line) => /redis unavailable/.test(line.msg))).toHaveLength(1);
  }, 120_000);
});

/** Spends a greedy caller's bucket until it is refused: each request costs 61, more than a second's 50, so only the reserve (100 every 2 s) pays, once. */
async function greedyUntilRefused(request: (n: number) => Promise<Outcome>): Promise<Outcome> {
  for (let n = 0; n < 20; n++) {
    const outcome = await request(n);
    if (outcome.status === 429) return outcome;
    expect(outcome.status).toBe(200);
  }
  throw new Error('the greedy caller was never refused: are limits off while Redis is down?');
}

// ---------------------------------------------------------------------------------------------

/** A publisher whose feeds answer only once released: what holds an admin's refreshSource in flight. */
async function startHeldPublisher() {
  let waiting: ServerResponse[] = [];
  let requests = 0;
  let released = false;
  const answer = (res: ServerResponse, url: string) =>
    res
      .writeHead(200, { 'content-type': 'application/rss+xml' })
      .end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Held</title><link>http://held.example/</link><item><title>Held story ${url}</title><guid>${url}</guid><pubDate>Wed, 03 Sep 2025 12:00:00 GMT</pubDate></item></channel></rss>`);
  const server = createHttpServer((req, res) => {
    requests++;
    if (released) answer(res, req.url!);
    else waiting.push(Object.assign(res, { heldUrl: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    feedUrl: (name: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}.rss`,
    requests: () => requests,
    release() {
      released = true;
      for (const res of waiting) answer(res, (res as ServerResponse & { heldUrl: string }).heldUrl);
      waiting = [];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function adminGql(base: string, query: string, variables: Record<string, unknown>, id: string): Promise<Outcome> {
  return send(id, `${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}`, 'x-request-id': id },
    body: JSON.stringify({ query, variables }),
  });
}

/**
 * test/e2e/shutdown.e2e-spec.ts covers one request in flight, and the log lines of a shutdown; this
 * is the same under load: clients keep sending while the signal comes. On a Postgres server the
 * test also holds a lock the sidebar's statement needs, so more requests are in flight than the pool
 * has connections (some waiting on the lock, the rest for a connection) when SIGTERM comes.
 */
describe('SIGTERM under load', () => {
  let database: TestDatabase | null = null;
  let env: Record<string, string>;

  beforeAll(async () => {
    if (usingPostgresServer()) {
      database = await createTestDatabase();
      await seed(new SqlExecutor(database.handle.dataSource, database.handle.isOpen));
      env = { DATABASE_URL: database.config.databaseUrl!, DATABASE_POOL_SIZE: '2', DATABASE_STATEMENT_TIMEOUT_MS: '30000', SEED_ON_EMPTY: 'false' };
    } else {
      env = { DATA_DIR: 'memory://', SEED_ON_EMPTY: 'true' };
    }
  }, 60_000);
  afterAll(async () => {
    await database?.drop();
  });

  it('every request in flight is answered 200 (with Connection: close), new connections are refused, and the process exits 0', async () => {
    const publisher = await startHeldPublisher();
    // A long grace: on a loaded machine the steps below take seconds of it; the process exits as
    // soon as it has drained, and says so on its last line.
    const gateway = await startGatewayProcess(
      { RESPONSE_CACHE: 'false', RATE_LIMIT_ANONYMOUS_PER_SECOND: '1000000', RATE_LIMIT_ANONYMOUS_BURST: '10000000', SHUTDOWN_GRACE_SECONDS: '60', ...env },
      ADMIN_TOKEN,
    );
    const locker = database ? new Client({ connectionString: database.config.databaseUrl! }) : null;
    const shuttingDown = () => gateway.stdout().includes('"shutting down"');
    let load: ReturnType<typeof steadyLoad> | null = null;
    try {
      // Two admin refreshes, each waiting on a feed the publisher holds back.
      const held: Array<Promise<Outcome>> = [];
      for (const name of ['one', 'two']) {
        const added = await adminGql(gateway.url, 'mutation($input: AddSourceInput!) { addSource(input: $input) { id } }', { input: { name: `Held ${name}`, feedUrls: [publisher.feedUrl(name)] } }, `add-${name}`);
        expect(succeeded(added)).toBe(true);
        const id = JSON.parse(added.raw!).data.addSource.id;
        held.push(adminGql(gateway.url, 'mutation($id: ID!) { refreshSource(id: $id) { run { outcome } } }', { id }, `held-${name}`));
      }
      await until(() => publisher.requests() >= 2, 'the gateway to fetch both held feeds');

      load = steadyLoad(6, (n) => postSidebar(gateway.url, `sidebar-${n}`), () => gateway.child.exitCode === null);
      await until(() => load!.outcomes.filter(succeeded).length >= 12, 'sidebar requests to succeed');
      if (locker) {
        await locker.connect();
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE feed_item IN ACCESS EXCLUSIVE MODE');
        // Both pool connections wait on the lock; the other clients' requests wait for a connection.
        await until(async () => {
          const { rows } = await locker.query(`SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'feed_item'::regclass AND NOT granted`);
          return rows[0].n >= 2;
        }, 'sidebar statements to wait on the lock');
        // Every client has a request out (the others wait for a pool connection inside the
        // gateway), and the gateway has had time to read them: on a loaded machine a client
        // could still be between two requests when the lock was seen, and its next request then
        // came after the signal (answered by a refused connection, not in flight).
        await until(() => load!.inFlight() === 6, 'every client to have a request in flight');
        await new Promise((resolve) => setTimeout(resolve, 300));
      }

      gateway.child.kill('SIGTERM');
      await until(shuttingDown, 'the gateway to begin shutting down');
      const signalledAt = Date.now();
      // The listening socket is closed on the event loop's next turn after the log line, and until
      // then the kernel still completes handshakes: on a loaded machine a probe can land in that
      // window, so wait for the refusal rather than expect it from the first probe.
      await until(async () => (await tryConnect(gateway.url)) === 'ECONNREFUSED', 'new connections to be refused', 10_000);
      // Still running: it waits for the requests it is serving.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(gateway.child.exitCode).toBeNull();

      publisher.release();
      await locker?.query('COMMIT');
      for (const outcome of await Promise.all(held)) {
        expect([outcome.id, outcome.status, JSON.parse(outcome.raw!)]).toEqual([outcome.id, 200, { data: { refreshSource: { run: { outcome: 'succeeded' } } } }]);
        // Its client will not send another request on this connection.
        expect(outcome.headers!.get('connection')).toBe('close');
      }
      const { code, signal } = await gateway.exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(gateway.stdout().trim().split('\n').at(-1)).toContain('"drained":true');
      await load.stop();

      const logged = new Map<string, Record<string, any>>();
      for (const line of gateway.stdout().split('\n').filter(Boolean).map((text) => JSON.parse(text) as Record<string, any>)) {
        if (line.msg === 'request completed') logged.set(line.reqId, line);
      }
      // Whatever the gateway began, it finished: 200, never cut off.
      for (const line of logged.values()) expect([line.reqId, line.status, line.aborted]).toEqual([line.reqId, 200, undefined]);
      const answered = load.outcomes.filter((o) => o.status !== undefined);
      expect(answered.filter((o) => !succeeded(o)).map((o) => `${o.id}: HTTP ${String(o.status)} ${String(o.raw?.slice(0, 200))}`)).toEqual([]);
      for (const outcome of answered) expect(logged.has(outcome.id)).toBe(true);
      // A request that got no answer never reached the gateway: it found the port closed, or (on
      // a connection idle when the signal came) the connection closing as it was sent.
      const unanswered = load.outcomes.filter((o) => o.status === undefined);
      expect(unanswered.length).toBeGreaterThan(0);
      for (const outcome of unanswered) {
        expect([outcome.id, logged.has(outcome.id)]).toEqual([outcome.id, false]);
        expect(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']).toContain(outcome.failure);
      }
      if (locker) {
        // Every client had a request in flight at the signal: each got its answer with
        // Connection: close, and its next request found the port closed. Nothing was reset.
        expect(answered.filter((o) => o.endedAt >= signalledAt).length).toBeGreaterThanOrEqual(6);
        for (const outcome of answered.filter((o) => o.endedAt >= signalledAt)) expect(outcome.headers!.get('connection')).toBe('close');
        expect(new Set(unanswered.map((o) => o.failure))).toEqual(new Set(['ECONNREFUSED']));
      }
    } finally {
      publisher.release();
      await locker?.end().catch(() => undefined);
      gateway.child.kill('SIGKILL');
      await load?.stop();
      await publisher.close();
    }
  }, 180_000);
});
