import 'reflect-metadata';
import { execSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { ensureBenchData, VOLUME } from './bench-data';
import { DATABASE_URL, ROOT, startBenchServer } from './bench-server';

/**
 * `npm run bench:soak`: the gateway (dist/src/main.js, on the benchmarks' Postgres data) at a fixed
 * request rate for a long while, its resident memory (RSS) printed every 30 s with error counts. The
 * sidebar and the feeds (RSS, Atom, JSON Feed, with and without filters) are asked with varying
 * arguments, so the response cache keeps filling, expiring and being read, as it does in
 * production. After the warm-up memory must stay flat: the run fails (exit 1) when RSS at the end
 * is more than --max-growth percent above RSS at the end of the warm-up, or when any request failed.
 *
 * RSS swings by a fifth and more with V8's garbage collection cycle (the heap in use climbs for a
 * minute or two, then a major collection drops it), so one reading says little: RSS is read every
 * 5 s, and "at the end of the warm-up" and "at the end" are the medians of the readings in the last
 * minute (--window) of each.
 *
 *   --minutes 10       how long the load runs (SOAK_MINUTES)
 *   --rate 200         requests per second, all clients together (SOAK_RATE)
 *   --warmup 2         minutes of warm-up before memory is held to be flat (SOAK_WARMUP_MINUTES)
 *   --interval 30      seconds between printed rows (SOAK_INTERVAL_SECONDS)
 *   --connections 32   concurrent client connections (SOAK_CONNECTIONS)
 *   --max-growth 10    percent of RSS growth allowed after the warm-up (SOAK_MAX_GROWTH)
 *   --window 60        seconds of RSS readings whose median stands for a moment (SOAK_WINDOW_SECONDS)
 *   --heap-snapshots   write a heap snapshot of the gateway at the end of the warm-up and at the
 *                      end (into a temporary folder; compare them in Chrome DevTools' Memory tab).
 *                      A snapshot stalls the gateway for seconds and adds to its RSS: a run with
 *                      them finds a leak, it does not judge one.
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/newsgate_bench, filled once by the
 * benchmarks' generator), BENCH_SKIP_BUILD=1 to reuse dist/.
 */

interface Options {
  minutes: number;
  rate: number;
  warmupMinutes: number;
  intervalSeconds: number;
  connections: number;
  maxGrowth: number;
  windowSeconds: number;
  heapSnapshots: boolean;
}

function readOptions(argv: string[]): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (name === 'heap-snapshots') flags.set(name, 'true');
    else flags.set(name, inline ?? argv[++i] ?? '');
  }
  const number = (flag: string, variable: string, fallback: number): number => {
    const text = flags.get(flag) ?? process.env[variable];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${flag} (${variable}) must be a positive number, not ${JSON.stringify(text)}`);
    return value;
  };
  const known = new Set(['minutes', 'rate', 'warmup', 'interval', 'connections', 'max-growth', 'window', 'heap-snapshots']);
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`unknown option --${name}`);
  const options: Options = {
    minutes: number('minutes', 'SOAK_MINUTES', 10),
    rate: number('rate', 'SOAK_RATE', 200),
    warmupMinutes: number('warmup', 'SOAK_WARMUP_MINUTES', 2),
    intervalSeconds: number('interval', 'SOAK_INTERVAL_SECONDS', 30),
    connections: Math.round(number('connections', 'SOAK_CONNECTIONS', 32)),
    maxGrowth: number('max-growth', 'SOAK_MAX_GROWTH', 10),
    windowSeconds: number('window', 'SOAK_WINDOW_SECONDS', 60),
    heapSnapshots: flags.has('heap-snapshots') || process.env.SOAK_HEAP_SNAPSHOTS === '1',
  };
  if (options.warmupMinutes >= options.minutes) throw new Error('--warmup must be shorter than --minutes');
  return options;
}

const SIDEBAR = `query Sidebar($first: Int) {
  latestFeed(first: $first) {
    edges { node { headline source { name } article { title authors { name } } } }
  }
}`;
const LANGUAGES = ['bn', 'en', 'ar', 'zh', 'hi', 'ru'];
const METRICS_TOKEN = 'soak-metrics-token-0123456789';

/** One request of the mix: 60 % sidebars (5 to 40 headlines), 40 % feeds (a third filtered by language, a third by source). */
function nextRequest(request: autocannon.Request): autocannon.Request {
  const pick = Math.random();
  if (pick < 0.6) {
    const first = 5 + Math.floor(Math.random() * 36);
    return {
      ...request,
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operationName: 'Sidebar', query: SIDEBAR, variables: { first } }),
    };
  }
  const format = ['rss', 'atom', 'json'][Math.floor(Math.random() * 3)];
  const filter = Math.random();
  const query =
    filter < 1 / 3 ? '' : filter < 2 / 3 ? `?language=${LANGUAGES[Math.floor(Math.random() * LANGUAGES.length)]}` : `?source=source-${1 + Math.floor(Math.random() * VOLUME.sources)}`;
  return { ...request, method: 'GET', path: `/feeds/latest.${format}${query}`, headers: {}, body: undefined };
}

interface Window {
  responses: number;
  non2xx: number;
  errors: number;
  graphqlErrors: number;
  latencies: number[];
}

const emptyWindow = (): Window => ({ responses: 0, non2xx: 0, errors: 0, graphqlErrors: 0, latencies: [] });

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${String(child.pid)}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The gateway's V8 heap (in use, and reserved) and external memory, from its own /metrics (prom-client's process metrics). */
async function heapMb(port: number): Promise<{ used: number; total: number; external: number } | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await response.text();
    const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]) / 2 ** 20;
    const heap = { used: read('nodejs_heap_size_used_bytes'), total: read('nodejs_heap_size_total_bytes'), external: read('nodejs_external_memory_bytes') };
    return Object.values(heap).every(Number.isFinite) ? heap : null;
  } catch {
    return null;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** SIGUSR2 makes the gateway (started with --heapsnapshot-signal) write a snapshot into its working folder; it is moved to `into`. */
async function heapSnapshot(child: ChildProcess, into: string, label: string): Promise<string> {
  const before = new Set(readdirSync(ROOT));
  child.kill('SIGUSR2');
  for (let i = 0; i < 600; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const written = readdirSync(ROOT).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (!written) continue;
    // Written when its size stops changing.
    const size = statSync(path.join(ROOT, written)).size;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (statSync(path.join(ROOT, written)).size !== size || size === 0) continue;
    const target = path.join(into, `${label}.heapsnapshot`);
    renameSync(path.join(ROOT, written), target);
    return target;
  }
  throw new Error('the gateway wrote no heap snapshot');
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const durationSeconds = Math.round(options.minutes * 60);
  const warmupSeconds = Math.round(options.warmupMinutes * 60);
  console.log(
    `newsgate soak: ${options.minutes} min at ${options.rate} req/s over ${options.connections} connections (sidebar 60 %, feeds 40 %), ` +
      `RSS every ${options.intervalSeconds} s; after a ${options.warmupMinutes}-min warm-up RSS may grow at most ${options.maxGrowth} %`,
  );
  await ensureBenchData(DATABASE_URL, (line) => console.log(line));
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    console.log('building (tsc)…');
    execSync('npm run --silent build', { cwd: ROOT, stdio: 'inherit' });
  }

  const port = await freePort();
  const child = await startBenchServer('dist/src/main.js', port, {
    // One client address sends everything: limits would measure nothing but themselves.
    RATE_LIMIT_ANONYMOUS_PER_SECOND: '1000000',
    RATE_LIMIT_ANONYMOUS_BURST: '10000000',
    METRICS: 'true',
    METRICS_TOKEN,
    ...(options.heapSnapshots ? { NODE_OPTIONS: '--heapsnapshot-signal=SIGUSR2' } : {}),
  });
  const snapshotDir = path.join(os.tmpdir(), `newsgate-soak-${String(child.pid)}`);
  if (options.heapSnapshots) mkdirSync(snapshotDir, { recursive: true });

  /** RSS every 5 s, for the verdict; the printed rows show one reading each. */
  const readings: Array<{ at: number; rss: number }> = [];
  let window = emptyWindow();
  const totals = { responses: 0, non2xx: 0, errors: 0, graphqlErrors: 0 };
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  // Set from the sampling timer: declared wide, or control flow would read it as always null here.
  let snapshotAtWarmup = null as Promise<string> | null;

  // With a callback autocannon returns its event emitter (without one, a promise of the result).
  let finished!: (error: Error | null) => void;
  const done = new Promise<void>((resolve, reject) => (finished = (error) => (error ? reject(error) : resolve())));
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: options.connections,
    overallRate: options.rate,
    duration: durationSeconds,
    timeout: 10,
    requests: [
      {
        setupRequest: nextRequest,
        onResponse: (status, body) => {
          // A GraphQL answer with errors is a 200 too.
          if (status === 200 && body.startsWith('{"errors"')) {
            window.graphqlErrors++;
            totals.graphqlErrors++;
          }
        },
      },
    ],
  }, (error: Error | null) => finished(error ?? null));
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    window.responses++;
    totals.responses++;
    window.latencies.push(responseTime);
    if (statusCode < 200 || statusCode >= 300) {
      window.non2xx++;
      totals.non2xx++;
    }
  });
  instance.on('reqError', () => {
    window.errors++;
    totals.errors++;
  });

  console.log('');
  console.log('  time  RSS MB  heap used/total MB  external MB   req/s  p50 ms  p99 ms  non-2xx  errors  GraphQL errors  load (1/5/15 min)');
  const read = () => readings.push({ at: elapsed(), rss: rssMb(child) });
  const row = async () => {
    const at = elapsed();
    const rss = rssMb(child);
    const heap = await heapMb(port);
    const latencies = window.latencies.sort((a, b) => a - b);
    const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
    const heapColumns = heap === null ? `${'-'.padStart(18)}  ${'-'.padStart(11)}` : `${`${heap.used.toFixed(0)}/${heap.total.toFixed(0)}`.padStart(18)}  ${heap.external.toFixed(1).padStart(11)}`;
    console.log(
      `${clock(at).padStart(6)}  ${rss.toFixed(1).padStart(6)}  ${heapColumns}  ${(window.responses / options.intervalSeconds).toFixed(0).padStart(6)}` +
        `  ${percentile(latencies, 50).toFixed(0).padStart(6)}  ${percentile(latencies, 99).toFixed(0).padStart(6)}  ${String(window.non2xx).padStart(7)}  ${String(window.errors).padStart(6)}  ${String(window.graphqlErrors).padStart(14)}  ${load}`,
    );
    window = emptyWindow();
  };
  const reader = setInterval(read, 5000);
  const printer = setInterval(() => void row(), options.intervalSeconds * 1000);
  const warmupEnds = setTimeout(() => {
    console.log(`  -- end of warm-up (${clock(elapsed())}) --`);
    if (options.heapSnapshots) snapshotAtWarmup = heapSnapshot(child, snapshotDir, 'after-warmup');
  }, warmupSeconds * 1000);
  /** The median RSS of the readings in the `windowSeconds` before `until`. */
  const rssAround = (until: number) => median(readings.filter((r) => r.at > until - options.windowSeconds && r.at <= until + 2.5).map((r) => r.rss));

  let exitCode = 0;
  try {
    await done;
    clearInterval(reader);
    clearInterval(printer);
    read();
    const end = elapsed();
    const reference = rssAround(warmupSeconds);
    const endRss = rssAround(end);
    const growth = ((endRss - reference) / reference) * 100;
    const snapshots = options.heapSnapshots ? [await snapshotAtWarmup, await heapSnapshot(child, snapshotDir, 'at-end')] : [];

    console.log('');
    console.log(`RSS every 30 s (MB): ${readings.filter((r, i) => i % 6 === 5 || i === readings.length - 1).map((r) => `${clock(r.at)} ${r.rss.toFixed(0)}`).join(', ')}`);
    console.log(`RSS min/max after the warm-up: ${Math.min(...readings.filter((r) => r.at >= warmupSeconds).map((r) => r.rss)).toFixed(1)}/${Math.max(...readings.filter((r) => r.at >= warmupSeconds).map((r) => r.rss)).toFixed(1)} MB`);
    console.log(
      `requests: ${totals.responses} answered (${(totals.responses / durationSeconds).toFixed(0)} req/s), ${totals.non2xx} non-2xx, ${totals.errors} errors (timeouts, resets), ${totals.graphqlErrors} GraphQL errors`,
    );
    console.log(
      `RSS at the end of the warm-up ${reference.toFixed(1)} MB, at the end ${endRss.toFixed(1)} MB (medians of the readings of the last ${options.windowSeconds} s of each): ` +
        `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} % (allowed: ${options.maxGrowth} %)`,
    );
    if (snapshots.length > 0) {
      console.log(`heap snapshots: ${snapshots.join(', ')}`);
      console.log('(taking a snapshot stalls the gateway for seconds and adds to its RSS: figures of this run judge nothing; compare the snapshots)');
    }
    if (growth > options.maxGrowth) {
      console.log(`FAIL: memory grew ${growth.toFixed(1)} % after the warm-up (more than ${options.maxGrowth} %): a leak? Run again with --heap-snapshots and compare them.`);
      exitCode = 1;
    }
    if (totals.non2xx + totals.errors + totals.graphqlErrors > 0) {
      console.log(`FAIL: ${totals.non2xx + totals.errors + totals.graphqlErrors} requests failed.`);
      exitCode = 1;
    }
    if (exitCode === 0) console.log('OK: memory flat after the warm-up, every request answered.');
  } finally {
    clearInterval(reader);
    clearInterval(printer);
    clearTimeout(warmupEnds);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  process.exit(exitCode);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
