import 'reflect-metadata';
import { execSync, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { Client } from 'pg';
import { redisAnswers } from '../src/cache/redis';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/config/config';
import { openDatabase } from '../src/db/data-source';
import { SqlExecutor, sqlStatementCount } from '../src/db/sql-executor';
import { createGateway } from '../src/composition/gateway';
import { ensureBenchData, VOLUME } from './bench-data';
import { DATABASE_URL, ROOT, startBenchServer } from './bench-server';
import {
  backendCpu,
  backendCpuDelta,
  cpuMs,
  loadAverage,
  median,
  peakRssMb,
  runWrk,
  SLUG_PLACEHOLDER,
  type LoadBody,
} from './measure';
import {
  ensurePostgraphileInstalled,
  ourSidebarContent,
  POSTGRAPHILE_NODE,
  POSTGRAPHILE_SCRIPT,
  POSTGRAPHILE_SIDEBAR_QUERY,
  postgraphileSidebarContent,
} from './postgraphile-peer';
import { ARTICLE_PAGE_QUERY, SIDEBAR_QUERY } from './queries';
import { StatementCounter } from './statement-counter';

/**
 * `npm run bench`: the read path under load, side by side in one run. On the bench data
 * (bench/bench-data.ts, generated once) it starts
 *   - the one-statement floor (bench/floor-one-statement.ts: node:http + pg, the JSON built by
 *     Postgres in one prepared statement per operation),
 *   - the two-statement floor (bench/floor-server.ts: JSON built in JavaScript),
 *   - PostGraphile V5, amber preset, on Node 22 (bench/peers/postgraphile, installed on first use;
 *     the sidebar only),
 *   - newsgate uncached, with the response cache in Redis, and with it in-process,
 * checks that every server that speaks our schema gives the gateway's JSON (PostGraphile: the same
 * content once the shapes are mapped), then loads each with `wrk -t1 -c32` in interleaved rounds,
 * every round visiting every server and operation, and prints the medians: requests/s, p50, p99,
 * server and Postgres CPU per request (from /proc), statements per request, peak RSS, and the
 * ratios to PostGraphile and to the one-statement floor, with the machine's load. Asserts nothing
 * about speed.
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/newsgate_bench), REDIS_URL (default
 * redis://127.0.0.1:6379; the Redis row is skipped when none answers), BENCH_ROUNDS (default 5),
 * BENCH_DURATION seconds per measured run (default 10), BENCH_WARMUP seconds before each run
 * (default 2), BENCH_CONNECTIONS (default 32), BENCH_SKIP_BUILD=1 to reuse dist/,
 * BENCH_SKIP_POSTGRAPHILE=1 to leave the peer out. A quick look: BENCH_ROUNDS=1 BENCH_DURATION=3.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const POOL_SIZE = '10';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// The in-process variant must not find a Redis in the environment it hands on.
delete process.env.REDIS_URL;

// Limits lifted so that the bucket measures nothing: every run is one anonymous client.
const UNLIMITED = { RATE_LIMIT_ANONYMOUS_PER_SECOND: '1000000', RATE_LIMIT_ANONYMOUS_BURST: '10000000' };

type OperationName = 'Sidebar' | 'ArticlePage';
const OPERATION_NAMES: OperationName[] = ['Sidebar', 'ArticlePage'];

/** Our two operations as POST bodies, the slug left for wrk (or the check) to fill in. */
const OUR_BODIES: Record<OperationName, LoadBody> = {
  Sidebar: { body: JSON.stringify({ operationName: 'Sidebar', query: SIDEBAR_QUERY }) },
  ArticlePage: {
    body: JSON.stringify({ operationName: 'ArticlePage', query: ARTICLE_PAGE_QUERY, variables: { slug: SLUG_PLACEHOLDER } }),
    slugs: VOLUME.articles,
  },
};

interface Target {
  label: string;
  port: number;
  script: string;
  env: Record<string, string>;
  /** The operations it answers, as the bodies it takes. */
  bodies: Partial<Record<OperationName, LoadBody>>;
  /** Answers bench/queries.ts itself, so its JSON must be the gateway's. */
  speaksOurSchema: boolean;
  command?: string;
  readyBody?: string;
  child?: ChildProcess;
}

const ONE_STATEMENT = 'one-statement floor';
const POSTGRAPHILE = 'PostGraphile V5';
const UNCACHED = 'newsgate, uncached';

/** One measured run of one server on one operation. */
interface Sample {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  serverCpuMs: number;
  postgresCpuMs: number;
}

function log(line: string): void {
  console.log(line);
}

const PROBE_REQUESTS = 20;

function sampleKey(label: string, op: OperationName): string {
  return `${label}\u0000${op}`;
}

/**
 * Statements per request, counted on the wire for every server alike: a separate instance of
 * each, its pool going through a StatementCounter, answers a few requests to warm up and then
 * PROBE_REQUESTS one at a time (so a cache answers as it does under load: the sidebar from the
 * cache, a random article page not).
 */
async function countWireStatements(targets: Target[]): Promise<Map<string, number>> {
  const perRequest = new Map<string, number>();
  const database = new URL(DATABASE_URL);
  log(`counting statements per request on the wire (${PROBE_REQUESTS} requests per server and operation)`);
  for (const target of targets) {
    const counter = new StatementCounter(database.hostname, Number(database.port || 5432));
    const proxied = new URL(DATABASE_URL);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await counter.listen());
    const env: Record<string, string> = { ...target.env, DATABASE_URL: proxied.toString(), DATABASE_POOL_SIZE: POOL_SIZE };
    if (env.REDIS_KEY_PREFIX) env.REDIS_KEY_PREFIX += 'probe:';
    const child = await startBenchServer(target.script, target.port + 10, env, { command: target.command, readyBody: target.readyBody });
    try {
      for (const op of OPERATION_NAMES) {
        const body = target.bodies[op];
        if (!body) continue;
        const send = async () => {
          const answer = await post(target.port + 10, body.slugs ? withSlug(body.body, randomSlug()) : body.body);
          if (answer.status !== 200) throw new Error(`${target.label} ${op}: status ${answer.status}: ${answer.text.slice(0, 300)}`);
        };
        for (let i = 0; i < 3; i++) await send();
        const before = counter.statements;
        for (let i = 0; i < PROBE_REQUESTS; i++) await send();
        perRequest.set(sampleKey(target.label, op), (counter.statements - before) / PROBE_REQUESTS);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await counter.close();
    }
  }
  return perRequest;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  log(`newsgate bench: ${VOLUME.sources} sources, ${VOLUME.people} people, ${VOLUME.articles} articles, ${VOLUME.feedItems} feed items`);
  const loadAtStart = loadAverage();
  log(`load average at start: ${loadAtStart} (${cpus().length} cores)`);
  await ensureBenchData(DATABASE_URL, log);
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log('building (tsc)…');
    execSync('npm run --silent build', { cwd: ROOT, stdio: 'inherit' });
  }
  const statements = await countStatements();

  const targets: Target[] = [
    { label: ONE_STATEMENT, port: 4761, script: 'dist/bench/floor-one-statement.js', env: {}, bodies: OUR_BODIES, speaksOurSchema: true },
    { label: 'two-statement floor (bench/floor-server.ts)', port: 4762, script: 'dist/bench/floor-server.js', env: {}, bodies: OUR_BODIES, speaksOurSchema: true },
  ];
  if (process.env.BENCH_SKIP_POSTGRAPHILE !== '1') {
    ensurePostgraphileInstalled(log);
    const sidebar = JSON.stringify({ operationName: 'Sidebar', query: POSTGRAPHILE_SIDEBAR_QUERY });
    targets.push({
      label: POSTGRAPHILE,
      port: 4763,
      script: POSTGRAPHILE_SCRIPT,
      env: {},
      bodies: { Sidebar: { body: sidebar } },
      speaksOurSchema: false,
      command: POSTGRAPHILE_NODE,
      readyBody: sidebar,
    });
  }
  targets.push({ label: UNCACHED, port: 4764, script: 'dist/src/main.js', env: { ...UNLIMITED, RESPONSE_CACHE: 'false' }, bodies: OUR_BODIES, speaksOurSchema: true });
  if (await redisAnswers(REDIS_URL)) {
    const prefix = `newsgate-bench-${process.pid}:`;
    targets.push({
      label: 'newsgate, response cache in Redis',
      port: 4765,
      script: 'dist/src/main.js',
      env: { ...UNLIMITED, RESPONSE_CACHE: 'true', REDIS_URL, REDIS_KEY_PREFIX: prefix },
      bodies: OUR_BODIES,
      speaksOurSchema: true,
    });
  } else {
    log(`no Redis at ${REDIS_URL}: the Redis row is skipped`);
  }
  targets.push({ label: 'newsgate, response cache in-process', port: 4766, script: 'dist/src/main.js', env: { ...UNLIMITED, RESPONSE_CACHE: 'true' }, bodies: OUR_BODIES, speaksOurSchema: true });

  const database = new URL(DATABASE_URL);
  const postgresPort = Number(database.port || 5432);
  // The monitor reads the statistics from another database, so its own queries count nowhere.
  const monitorUrl = new URL(DATABASE_URL);
  monitorUrl.pathname = '/postgres';
  const monitor = new Client({ connectionString: monitorUrl.toString(), application_name: 'newsgate-bench-monitor' });
  await monitor.connect();

  const samples = new Map<string, Sample[]>();
  const wireStatements = await countWireStatements(targets);
  let stopping = false;
  try {
    for (const target of targets) {
      // Ports of their own: other checkouts on this machine run the older benchmarks on 42xx/43xx.
      target.child = await startBenchServer(target.script, target.port, { ...target.env, DATABASE_POOL_SIZE: POOL_SIZE }, { command: target.command, readyBody: target.readyBody });
      target.child.once('exit', (code, signal) => {
        if (!stopping) console.error(`${target.label} exited (code ${String(code)}, signal ${String(signal)}) during the benchmark`);
      });
    }
    await compareResponses(targets);

    log(`\n${ROUNDS} interleaved rounds × ${targets.length} servers, wrk -t1 -c${CONNECTIONS}, ${WARMUP} s warm-up + ${DURATION} s measured per run`);
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round}/${ROUNDS} (load ${loadAverage()})`);
      // Each round starts one server further on, so that no server always follows the same one.
      const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]!);
      for (const target of order) {
        for (const op of OPERATION_NAMES) {
          const body = target.bodies[op];
          if (!body) continue;
          // Warm-up: JIT, prepared statements, pool connections closed while others ran.
          await runWrk(target.port, body, CONNECTIONS, WARMUP);
          const pid = target.child!.pid!;
          const serverBefore = cpuMs(pid);
          const backendsBefore = await backendCpu(monitor, pid, postgresPort);
          const figures = await runWrk(target.port, body, CONNECTIONS, DURATION);
          // Requests wrk dropped at the deadline may still be finishing.
          await sleep(200);
          const serverCpu = cpuMs(pid) - serverBefore;
          const postgresCpu = backendCpuDelta(backendsBefore, await backendCpu(monitor, pid, postgresPort));
          const sample: Sample = {
            rps: figures.rps,
            p50Ms: figures.p50Ms,
            p99Ms: figures.p99Ms,
            errors: figures.errors,
            serverCpuMs: serverCpu / figures.requests,
            postgresCpuMs: postgresCpu / figures.requests,
          };
          const key = sampleKey(target.label, op);
          samples.set(key, [...(samples.get(key) ?? []), sample]);
          log(
            `  ${target.label.padEnd(44)} ${op.padEnd(12)} ${sample.rps.toFixed(0).padStart(6)} req/s  p50 ${sample.p50Ms.toFixed(1)} ms  p99 ${sample.p99Ms.toFixed(1)} ms  ` +
              `CPU ${sample.serverCpuMs.toFixed(2)} + pg ${sample.postgresCpuMs.toFixed(2)} ms/req  errors ${sample.errors}`,
          );
        }
      }
    }
  } finally {
    await monitor.end();
    stopping = true;
    const running = targets.filter((target) => target.child && target.child.exitCode === null);
    const peaks = new Map(running.map((target) => [target.label, peakRssMb(target.child!.pid!)]));
    for (const target of running) target.child!.kill('SIGTERM');
    await Promise.all(running.map((target) => new Promise((resolve) => target.child!.once('exit', resolve))));
    if (samples.size > 0) printTable(targets, samples, peaks, statements, wireStatements, loadAtStart);
  }
}

function printTable(
  targets: Target[],
  samples: Map<string, Sample[]>,
  peaks: Map<string, number>,
  statements: Record<string, number>,
  wireStatements: Map<string, number>,
  loadAtStart: string,
): void {
  const pick = (label: string, op: OperationName) => {
    const list = samples.get(sampleKey(label, op));
    if (!list) return undefined;
    const of = (field: keyof Sample) => median(list.map((sample) => sample[field]));
    return {
      rps: of('rps'),
      p50Ms: of('p50Ms'),
      p99Ms: of('p99Ms'),
      serverCpuMs: of('serverCpuMs'),
      postgresCpuMs: of('postgresCpuMs'),
      errors: list.reduce((sum, sample) => sum + sample.errors, 0),
    };
  };
  const ratio = (value: number, base: number | undefined) => (base ? `${(value / base).toFixed(2)}` : '—');
  const fixed = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 0 });
  log('');
  log(`## results: medians of ${ROUNDS} interleaved round(s), wrk -t1 -c${CONNECTIONS}, ${DURATION} s per run, Postgres pool ${POOL_SIZE} per server`);
  log(`machine: ${cpus().length} cores, load average ${loadAtStart} at start, ${loadAverage()} at end`);
  log('');
  log('| server | operation | req/s | p50 ms | p99 ms | server CPU ms/req | Postgres CPU ms/req | statements/req | peak RSS MB | x PostGraphile | x one-statement floor | errors |');
  log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const op of OPERATION_NAMES) {
    const peer = pick(POSTGRAPHILE, op)?.rps;
    const floor = pick(ONE_STATEMENT, op)?.rps;
    for (const target of targets) {
      const f = pick(target.label, op);
      if (!f) continue;
      log(
        `| ${target.label} | ${op} | ${fixed(f.rps)} | ${f.p50Ms.toFixed(1)} | ${f.p99Ms.toFixed(1)} | ${f.serverCpuMs.toFixed(2)} | ${f.postgresCpuMs.toFixed(2)} | ` +
          `${wireStatements.get(sampleKey(target.label, op))?.toFixed(2) ?? '—'} | ${(peaks.get(target.label) ?? 0).toFixed(0)} | ${ratio(f.rps, peer)} | ${ratio(f.rps, floor)} | ${f.errors} |`,
      );
    }
  }
  log('');
  log('server CPU: user + system time of the server process (/proc/<pid>/stat) over the measured run, per request.');
  log("Postgres CPU: the same for the backends connected to that server's pool (found through its sockets).");
  log(
    `statements/req: Query and Execute messages a separate instance of the server sent to Postgres through a counting proxy, ` +
      `over ${PROBE_REQUESTS} requests one at a time after a warm-up (bench/statement-counter.ts; BEGIN and COMMIT count as statements).`,
  );
  log(
    `newsgate's own counter (src/db/sql-executor), uncached, in-process: sidebar at first: 5 → ${statements['Sidebar 5']}, ` +
      `20 → ${statements['Sidebar 20']}, 100 → ${statements['Sidebar 100']} statements; article page → ${statements.ArticlePage}.`,
  );
  log(`PostGraphile answers the sidebar only; its query is bench/postgraphile-peer.ts's (authors ordered by position as ours are).`);
}

/**
 * SQL statements one request runs, counted in-process on the same database (no response cache;
 * the cost limit and the bucket raised so that a 100-item sidebar and every request are let
 * through: the cost model charges what a request runs). Each request is sent twice and
 * the second counted: the gateway compiles an operation on its second sighting (GRAPHQL_COMPILE_AFTER).
 */
async function countStatements(): Promise<Record<string, number>> {
  const config = { ...loadConfig({ ...UNLIMITED, LOG_LEVEL: 'silent', RESPONSE_CACHE: 'false', GRAPHQL_MAX_COST: '1000000' }), databaseUrl: DATABASE_URL };
  const database = await openDatabase(config);
  const gateway = await createGateway({ config, db: new SqlExecutor(database.dataSource), logger: createLogger('silent') });
  const server = await gateway.listen(0, '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  const requests: Record<string, string> = {
    'Sidebar 5': JSON.stringify({ operationName: 'Sidebar', query: SIDEBAR_QUERY.replace('first: 20', 'first: 5') }),
    'Sidebar 20': OUR_BODIES.Sidebar.body,
    'Sidebar 100': JSON.stringify({ operationName: 'Sidebar', query: SIDEBAR_QUERY.replace('first: 20', 'first: 100') }),
    ArticlePage: withSlug(OUR_BODIES.ArticlePage.body, randomSlug()),
  };
  const counts: Record<string, number> = {};
  try {
    for (const [name, body] of Object.entries(requests)) {
      await post(port, body);
      const before = sqlStatementCount();
      const answer = JSON.parse((await post(port, body)).text) as GraphQLAnswer;
      if (answer.errors) throw new Error(`${name}: ${JSON.stringify(answer.errors)}`);
      counts[name] = sqlStatementCount() - before;
    }
  } finally {
    server.close();
    await gateway.idle();
    await gateway.stop();
    await database.close();
  }
  return counts;
}

/** A GraphQL answer: only its two top-level keys are read. */
interface GraphQLAnswer {
  data?: unknown;
  errors?: unknown;
}

function randomSlug(): string {
  return `article-${1 + Math.floor(Math.random() * VOLUME.articles)}`;
}

function withSlug(body: string, slug: string): string {
  return body.replace(SLUG_PLACEHOLDER, slug);
}

async function post(port: number, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, text: await response.text() };
}

/**
 * Every server must give the same answer, or the comparison means nothing: those that speak our
 * schema the gateway's bytes, PostGraphile the same headlines, source names, titles and authors in
 * order once its shape is mapped to ours.
 */
async function compareResponses(targets: Target[]): Promise<void> {
  const reference = targets.find((target) => target.label === UNCACHED)!;
  const slugs = [randomSlug(), randomSlug(), randomSlug(), 'no-such-article'];
  const cases: Array<{ op: OperationName; slug?: string }> = [{ op: 'Sidebar' }, ...slugs.map((slug) => ({ op: 'ArticlePage' as const, slug }))];
  for (const { op, slug } of cases) {
    const body = withSlug(OUR_BODIES[op].body, slug ?? '');
    const expected = await post(reference.port, body);
    const answer = JSON.parse(expected.text) as GraphQLAnswer;
    if (expected.status !== 200 || answer.errors || !answer.data) throw new Error(`${op} failed on the gateway: ${expected.text.slice(0, 500)}`);
    for (const target of targets) {
      if (target === reference || !target.speaksOurSchema || !target.bodies[op]) continue;
      const got = await post(target.port, body);
      if (got.status !== 200 || got.text !== expected.text) {
        let at = 0;
        while (at < got.text.length && got.text[at] === expected.text[at]) at++;
        throw new Error(
          `${op}${slug ? ` (${slug})` : ''}: ${target.label} answers differently from the gateway (from character ${at}):\n` +
            `${expected.text.slice(Math.max(0, at - 100), at + 300)}\n${got.text.slice(Math.max(0, at - 100), at + 300)}`,
        );
      }
    }
  }
  log(`responses byte-identical: ${targets.filter((t) => t.speaksOurSchema).map((t) => t.label).join(', ')} (sidebar and ${slugs.length} article pages)`);

  const peer = targets.find((target) => target.label === POSTGRAPHILE);
  if (!peer) return;
  const ours = ourSidebarContent((JSON.parse((await post(reference.port, OUR_BODIES.Sidebar.body)).text) as GraphQLAnswer).data);
  const theirsAnswer = await post(peer.port, peer.bodies.Sidebar!.body);
  const theirs = JSON.parse(theirsAnswer.text) as GraphQLAnswer;
  if (theirsAnswer.status !== 200 || theirs.errors || !theirs.data) throw new Error(`PostGraphile's sidebar failed: ${theirsAnswer.text.slice(0, 500)}`);
  const mapped = postgraphileSidebarContent(theirs.data);
  if (JSON.stringify(mapped) !== JSON.stringify(ours)) {
    throw new Error(`the sidebar differs between PostGraphile and the gateway:\n${JSON.stringify(ours).slice(0, 600)}\n${JSON.stringify(mapped).slice(0, 600)}`);
  }
  log(`PostGraphile's sidebar has the gateway's content (${ours.length} items: headlines, sources, titles, authors in order)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
