import 'reflect-metadata';
import { execSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/config/config';
import { openDatabase } from '../src/db/data-source';
import { SqlExecutor, sqlStatementCount } from '../src/db/sql-executor';
import { createGateway } from '../src/composition/gateway';
import { ensureBenchData, VOLUME } from './bench-data';
import { DATABASE_URL, peakRssMb, ROOT, startBenchServer } from './bench-server';
import { ARTICLE_PAGE_QUERY, SIDEBAR_QUERY } from './queries';

/**
 * `npm run bench`: the read path under load. Generates (once) a realistic volume in Postgres,
 * then measures the gateway and a hand-written-SQL floor server on the sidebar and the
 * article-page queries at 32 concurrent connections: requests/s, p50/p99 latency, SQL statements
 * per request and peak RSS. Prints figures; asserts nothing.
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/newsgate_bench), BENCH_DURATION
 * seconds per run (default 10), BENCH_CONNECTIONS (default 32), BENCH_SKIP_BUILD=1 to reuse dist/.
 */
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const POOL_SIZE = '10';

// The uncached read path against the floor: no response cache, and a bucket no run can empty
// (bench/sidebar-cache.ts measures the cached sidebar).
const UNCACHED = { RESPONSE_CACHE: 'false', RATE_LIMIT_ANONYMOUS_PER_SECOND: '1000000', RATE_LIMIT_ANONYMOUS_BURST: '10000000' };

interface Operation {
  name: string;
  query: string;
  variables: () => Record<string, unknown> | undefined;
}

const OPERATIONS: Operation[] = [
  { name: 'Sidebar', query: SIDEBAR_QUERY, variables: () => undefined },
  {
    name: 'ArticlePage',
    query: ARTICLE_PAGE_QUERY,
    variables: () => ({ slug: `article-${1 + Math.floor(Math.random() * VOLUME.articles)}` }),
  },
];

function log(line: string): void {
  console.log(line);
}

async function main(): Promise<void> {
  log(`newsgate bench: ${VOLUME.sources} sources, ${VOLUME.people} people, ${VOLUME.articles} articles, ${VOLUME.feedItems} feed items`);
  await ensureBenchData(DATABASE_URL, log);
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log('building (tsc)…');
    execSync('npm run --silent build', { cwd: ROOT, stdio: 'inherit' });
  }

  const statements = await countStatements();

  const servers = [
    { name: 'newsgate', script: 'dist/src/main.js', port: 4201 },
    { name: 'floor (pg + hand-written SQL)', script: 'dist/bench/floor-server.js', port: 4202 },
  ];
  const results: Record<string, Record<string, Figures>> = {};
  const children = await Promise.all(servers.map((server) => startBenchServer(server.script, server.port, UNCACHED)));
  try {
    await compareResponses(servers[0]!.port, servers[1]!.port);
    for (const [i, server] of servers.entries()) {
      results[server.name] = {};
      for (const op of OPERATIONS) {
        await load(server.port, op, 2); // warm-up: JIT, prepared statements, Postgres caches
        const figures = await load(server.port, op, DURATION);
        results[server.name]![op.name] = figures;
        log(`${server.name.padEnd(30)} ${op.name.padEnd(12)} ${figures.rps.toFixed(0).padStart(7)} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  errors ${figures.errors}`);
      }
      for (const op of OPERATIONS) results[server.name]![op.name]!.peakRssMb = peakRssMb(children[i]!);
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
  }

  log('');
  log(`results (${CONNECTIONS} connections, ${DURATION} s per run, Postgres pool ${POOL_SIZE}, this machine: ${cpus().length} cores)`);
  log('| server | operation | req/s | p50 ms | p99 ms | SQL statements/request | peak RSS MB |');
  log('|---|---|---:|---:|---:|---:|---:|');
  for (const [server, ops] of Object.entries(results)) {
    for (const [op, f] of Object.entries(ops)) {
      const sql = server === 'newsgate' ? String(statements[op]) : op === 'Sidebar' ? '2' : '6';
      log(`| ${server} | ${op} | ${f.rps.toFixed(0)} | ${f.p50} | ${f.p99} | ${sql} | ${f.peakRssMb.toFixed(0)} |`);
    }
  }
  const gateway = results.newsgate!;
  const floor = results['floor (pg + hand-written SQL)']!;
  for (const op of OPERATIONS) {
    log(`${op.name}: newsgate reaches ${((gateway[op.name]!.rps / floor[op.name]!.rps) * 100).toFixed(0)}% of the floor's throughput`);
  }
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  peakRssMb: number;
}

async function load(port: number, op: Operation, seconds: number): Promise<Figures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/graphql`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          body: JSON.stringify({ operationName: op.name, query: op.query, variables: op.variables() }),
        }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    peakRssMb: 0,
  };
}

/** SQL statements one request runs, counted in-process on the same database. */
async function countStatements(): Promise<Record<string, number>> {
  const config = { ...loadConfig({ LOG_LEVEL: 'silent' }), databaseUrl: DATABASE_URL };
  const database = await openDatabase(config);
  const gateway = await createGateway({ config, db: new SqlExecutor(database.dataSource), logger: createLogger('silent') });
  const server = await gateway.listen(0, '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  const counts: Record<string, number> = {};
  try {
    for (const op of OPERATIONS) {
      const before = sqlStatementCount();
      const body = await post(port, op);
      if (body.errors) throw new Error(`${op.name}: ${JSON.stringify(body.errors)}`);
      counts[op.name] = sqlStatementCount() - before;
    }
  } finally {
    server.close();
    // autocannon drops its connections at the deadline; their requests may still be running.
    await gateway.idle();
    await gateway.stop();
    await database.close();
  }
  return counts;
}

/** A GraphQL answer, compared as JSON: only its two top-level keys are read. */
interface GraphQLAnswer {
  data?: unknown;
  errors?: unknown;
}

async function post(port: number, op: Operation, variables = op.variables()): Promise<GraphQLAnswer> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ operationName: op.name, query: op.query, variables }),
  });
  return (await response.json()) as GraphQLAnswer;
}

/** Both servers must give the same JSON, or the comparison means nothing. */
async function compareResponses(gatewayPort: number, floorPort: number): Promise<void> {
  for (const op of OPERATIONS) {
    const variables = op.variables();
    const [gateway, floor] = await Promise.all([post(gatewayPort, op, variables), post(floorPort, op, variables)]);
    if (gateway.errors || !gateway.data) throw new Error(`${op.name} failed: ${JSON.stringify(gateway).slice(0, 500)}`);
    if (JSON.stringify(gateway) !== JSON.stringify(floor)) {
      throw new Error(`${op.name}: the servers' responses differ:\n${JSON.stringify(gateway).slice(0, 400)}\n${JSON.stringify(floor).slice(0, 400)}`);
    }
  }
  log('responses identical on both servers');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
