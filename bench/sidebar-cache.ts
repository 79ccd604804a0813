import 'reflect-metadata';
import { execSync } from 'node:child_process';
import autocannon from 'autocannon';
import { redisAnswers } from '../src/cache/redis';
import { ensureBenchData, VOLUME } from './bench-data';
import { DATABASE_URL, ROOT, startBenchServer } from './bench-server';
import { SIDEBAR_QUERY } from './queries';

/**
 * `npx ts-node --transpile-only bench/sidebar-cache.ts`: the sidebar query with the response cache
 * on (in-process, and in Redis when one answers) beside the uncached gateway and the hand-written
 * SQL floor, on the same data and load as `npm run bench` (bench/run.ts, whose data and floor
 * server it reuses). Limits are lifted so the bucket measures nothing; every run is one anonymous
 * client, as a CDN or a page renderer would be. Prints figures and ratios; asserts nothing.
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/newsgate_bench), REDIS_URL (default
 * redis://127.0.0.1:6379), BENCH_DURATION seconds per run (default 10), BENCH_CONNECTIONS
 * (default 32), BENCH_SKIP_BUILD=1 to reuse dist/.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BODY = JSON.stringify({ operationName: 'Sidebar', query: SIDEBAR_QUERY });

interface Variant {
  name: string;
  script: string;
  env: Record<string, string>;
}

const UNLIMITED = {
  RATE_LIMIT_ANONYMOUS_PER_SECOND: '1000000',
  RATE_LIMIT_ANONYMOUS_BURST: '10000000',
};

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function main(): Promise<void> {
  console.log(`sidebar with and without the response cache: ${VOLUME.articles} articles, ${VOLUME.feedItems} feed items, ${CONNECTIONS} connections, ${DURATION} s per run`);
  await ensureBenchData(DATABASE_URL, (line) => console.log(line));
  if (process.env.BENCH_SKIP_BUILD !== '1') execSync('npm run --silent build', { cwd: ROOT, stdio: 'inherit' });

  const variants: Variant[] = [
    { name: 'floor (pg + hand-written SQL)', script: 'dist/bench/floor-server.js', env: {} },
    { name: 'newsgate, no response cache', script: 'dist/src/main.js', env: { ...UNLIMITED, RESPONSE_CACHE: 'false' } },
    { name: 'newsgate, response cache in-process', script: 'dist/src/main.js', env: { ...UNLIMITED, RESPONSE_CACHE: 'true' } },
  ];
  if (await redisAnswers(REDIS_URL)) {
    const prefix = `newsgate-bench-${process.pid}:`;
    variants.push({ name: 'newsgate, response cache in Redis', script: 'dist/src/main.js', env: { ...UNLIMITED, RESPONSE_CACHE: 'true', REDIS_URL, REDIS_KEY_PREFIX: prefix } });
  } else {
    console.log(`no Redis at ${REDIS_URL}: the Redis variant is skipped`);
  }

  const results: Array<{ name: string; figures: Figures }> = [];
  for (const [i, variant] of variants.entries()) {
    const port = 4301 + i;
    const child = await startBenchServer(variant.script, port, variant.env);
    try {
      await run(port, 2); // warm-up: JIT, prepared statements, the cache's first entry
      const figures = await run(port, DURATION);
      results.push({ name: variant.name, figures });
      console.log(`${variant.name.padEnd(40)} ${figures.rps.toFixed(0).padStart(7)} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  errors ${figures.errors}`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }

  const floor = results[0]!.figures.rps;
  const uncached = results[1]!.figures.rps;
  console.log('');
  console.log('| sidebar (latestFeed first: 20 with articles and authors) | req/s | p50 ms | p99 ms | vs uncached | vs floor |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const { name, figures } of results) {
    console.log(
      `| ${name} | ${figures.rps.toFixed(0)} | ${figures.p50} | ${figures.p99} | ${(figures.rps / uncached).toFixed(2)}× | ${(figures.rps / floor).toFixed(2)}× |`,
    );
  }
}

async function run(port: number, seconds: number): Promise<Figures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/graphql`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
