import 'reflect-metadata';
import { execSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { ArticleWriteRepository } from '../src/article/article-write.repository';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/config/config';
import { openDatabase } from '../src/db/data-source';
import { SqlExecutor } from '../src/db/sql-executor';
import { NewsEvents } from '../src/events/news-events';
import { fromGlobalId } from '../src/graphql/relay/global-id';
import { IngestService } from '../src/ingest/ingest.service';
import { PersonRepository } from '../src/person/person.repository';
import { SourceRegistryRepository } from '../src/source/source-registry.repository';
import { SourceRegistryService } from '../src/source-registry/source-registry.service';
import { SourceRepository } from '../src/source/source.repository';
import { createScratchDatabase } from './scratch-database';
import { ROOT, startBenchServer } from './bench-server';

/**
 * `npm run bench:live`: GraphQL subscriptions under fan-out. SUBSCRIBERS
 * (default 1,000) graphql-ws clients, one connection each, subscribe to `feedItemAdded` on one
 * gateway; this process then stores a burst of BURST (default 100) new feed items (the ingest
 * service, from a feed on a local server, into a scratch database on the Postgres server of
 * DATABASE_URL) and measures, for every item and subscriber, the time from the item's store to its
 * receipt: p50, p99 and the last, with the server's CPU for the burst and its peak RSS.
 *
 * "Stored" is when this process hears the commit's news event (its own LISTEN, as the gateway
 * hears it): the latency is what the gateway adds between the commit and the client's socket.
 * The clients run in this process and only note each frame's arrival (decoded after the burst):
 * what is left of their work is in every figure alike.
 *
 * Three servers in one run, each a process of its own on the same database and clients:
 * - floor (bench/live-floor-server.ts): the same news events, a precomputed payload of the same
 *   size sent to every subscription, no rows read and no GraphQL;
 * - newsgate, every subscription its own document (an operation name of its own): nothing is
 *   shared, each item's selection runs once per subscription (how every subscription ran before
 *   results were shared by group: the "before" figure);
 * - newsgate, the same document (two groups: without a filter and with `language: "bn"`, which
 *   every item has): each item's selection runs once per group, its result sent to every member.
 * Prints figures and ratios with the machine's load; asserts nothing.
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres: a scratch database is created
 * there and dropped), SUBSCRIBERS, BURST, BENCH_VARIANTS (some of the three: 0,2), BENCH_SKIP_BUILD=1
 * to reuse dist/.
 */
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1000);
const BURST = Number(process.env.BURST ?? 100);
/** BENCH_VARIANTS=0,2: only these servers (0 the floor, 1 a document each, 2 one document). */
const ONLY = process.env.BENCH_VARIANTS?.split(',').map(Number);
/** Items of the warm-up burst: JIT, statements and sockets warm before the measured one. */
const WARM_UP = 10;
/** How long a burst may take to reach everyone before the bench gives up (far above what it takes). */
const DELIVERY_TIMEOUT_MS = 300_000;

const SELECTION = 'feedItemAdded(filter: $filter) { id headline url publishedAt language source { id name } article { id title } }';

interface Variant {
  name: string;
  script: string;
  /** The document and variables of subscriber i. */
  subscription(i: number): { query: string; variables: Record<string, unknown> };
}

const variants: Variant[] = [
  { name: 'floor (precomputed payload, raw ws send)', script: 'dist/bench/live-floor-server.js', subscription: () => ({ query: `subscription Headlines($filter: FeedItemAddedFilter) { ${SELECTION} }`, variables: {} }) },
  {
    name: 'newsgate, a document per subscription',
    script: 'dist/src/main.js',
    subscription: (i) => ({ query: `subscription Headlines${i}($filter: FeedItemAddedFilter) { ${SELECTION} }`, variables: {} }),
  },
  {
    name: 'newsgate, one document (2 groups)',
    script: 'dist/src/main.js',
    subscription: (i) => ({ query: `subscription Headlines($filter: FeedItemAddedFilter) { ${SELECTION} }`, variables: i % 2 === 0 ? {} : { filter: { language: 'bn' } } }),
  },
];

function feedXml(origin: string, name: string, count: number): string {
  const items: string[] = [];
  for (let i = 1; i <= count; i++) {
    items.push(
      `<item><title>Story ${name}-${i}: Putin meets Sharif in Beijing, Reuters reports</title><link>${origin}/${name}/${i}</link><guid isPermaLink="false">${name}-${i}</guid>` +
        `<pubDate>${new Date(Date.UTC(2025, 8, 3) - i * 60_000).toUTCString()}</pubDate><description>Ministers will meet again in November.</description></item>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench live feed</title><link>${origin}/</link><language>bn</language>${items.join('')}</channel></rss>`;
}

/**
 * One subscriber: a WebSocket speaking the graphql-ws protocol (connection_init, then one
 * subscribe) that only notes each frame and its receipt time; frames are decoded after the burst,
 * so the clients' own work delays the receipts as little as it can.
 */
interface Subscriber {
  socket: WebSocket;
  frames: Array<[Buffer, number]>;
}

function subscribe(url: string, subscription: { query: string; variables: Record<string, unknown> }): Subscriber {
  const socket = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
  const subscriber: Subscriber = { socket, frames: [] };
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
  socket.on('message', (data: Buffer) => {
    const at = performance.now();
    if (data.length < 64 && data.includes('"connection_ack"')) socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: subscription }));
    else subscriber.frames.push([data, at]);
  });
  socket.on('error', () => undefined);
  return subscriber;
}

/** The feed items of `next` frames, with their receipt times; anything else (an error) stops the bench. */
function decodeFrames(frames: Array<[Buffer, number]>): Array<[string, number]> {
  return frames.map(([data, at]) => {
    const message = JSON.parse(data.toString('utf8')) as { type: string; payload?: { data?: { feedItemAdded?: { id: string } }; errors?: unknown } };
    const id = message.payload?.data?.feedItemAdded?.id;
    if (message.type !== 'next' || !id || message.payload?.errors) throw new Error(`not a new feed item: ${data.toString('utf8').slice(0, 500)}`);
    return [fromGlobalId(id).id, at];
  });
}

async function until(check: () => boolean, what: string, timeoutMs: number, tick?: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** CPU seconds (user + system) and peak RSS (MB) of a process, from /proc. */
function processFigures(pid: number): { cpuSeconds: number; peakRssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100, peakRssMb: hwm / 1024 };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

interface Figures {
  p50: number;
  p99: number;
  last: number;
  cpuSeconds: number;
  peakRssMb: number;
}

async function main(): Promise<void> {
  const feeds = new Map<string, string>();
  const feedServer: Server = createServer((req, res) => {
    const body = feeds.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(body ?? '');
  });
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;

  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const scratch = await createScratchDatabase(serverUrl, 'newsgate_bench_live');
  const databaseUrl = scratch.url;
  const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', FETCH_ALLOWLIST: '127.0.0.1', INGEST_ARTICLE_PAGES: 'false', WORKER_ENABLED: 'false' });
  const database = await openDatabase(config);
  const db = new SqlExecutor(database.dataSource);
  const logger = createLogger('silent');
  const ingest = new IngestService({
    config,
    db,
    logger,
    repositories: { registry: new SourceRegistryRepository(db), sources: new SourceRepository(db), people: new PersonRepository(db), writer: new ArticleWriteRepository() },
  });
  const registry = new SourceRegistryService(db, new SourceRepository(db), new SourceRegistryRepository(db), ingest, 60);
  const source = await registry.add({ name: 'Bench live feed', feedUrls: [`${origin}/live.xml`] });
  // When each feed item was stored: when this process hears its news event.
  const storedAt = new Map<string, number>();
  const events = new NewsEvents(db, logger);
  events.subscribe((event) => {
    const at = performance.now();
    if (event.kind === 'feedItemAdded') for (const id of event.ids) storedAt.set(id, at);
  });
  await events.start();

  let bursts = 0;
  /** Stores `count` new items (one transaction of INGEST_BATCH_SIZE, 100 by default) and returns their db ids once announced. */
  const burst = async (count: number): Promise<Set<string>> => {
    const before = new Set(storedAt.keys());
    feeds.set('/live.xml', feedXml(origin, `burst-${++bursts}`, count));
    const report = await ingest.runSource(source.dbId);
    if (report.outcome !== 'succeeded') throw new Error(`the burst was not stored: ${report.error ?? report.outcome}`);
    await until(() => storedAt.size - before.size === count, 'the burst’s news events', 30_000);
    return new Set([...storedAt.keys()].filter((id) => !before.has(id)));
  };

  console.log(`newsgate live bench: ${SUBSCRIBERS} subscribers on one server, a burst of ${BURST} feed items; Node ${process.version}, load ${load()}`);
  if (process.env.BENCH_SKIP_BUILD !== '1') execSync('npm run --silent build', { cwd: ROOT, stdio: 'inherit' });

  const results: Array<{ name: string; figures: Figures }> = [];
  try {
    for (const [index, variant] of variants.entries()) {
      if (ONLY && !ONLY.includes(index)) continue;
      const port = 4401 + index;
      const child: ChildProcess = await startBenchServer(variant.script, port, {
        DATABASE_URL: databaseUrl,
        LIVE_MAX_CONNECTIONS_PER_ADDRESS: String(SUBSCRIBERS + 10),
        LIVE_QUEUE_LIMIT: String(Math.max(1000, BURST * 2)),
        RATE_LIMIT_ANONYMOUS_PER_SECOND: '1000000',
        RATE_LIMIT_ANONYMOUS_BURST: '10000000',
      });
      const subscribers: Subscriber[] = [];
      try {
        const wsUrl = `ws://127.0.0.1:${port}/graphql`;
        for (let i = 0; i < SUBSCRIBERS; i++) {
          subscribers.push(subscribe(wsUrl, variant.subscription(i)));
          if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        // Subscribed once each has an item: one more every second until then.
        await until(() => subscribers.every((s) => s.frames.length > 0), 'every subscriber’s first item', 120_000, async () => {
          if (storedAt.size === 0 || performance.now() - Math.max(...storedAt.values()) > 1000) await burst(1);
        });
        const warm = await burst(WARM_UP);
        // In the order stored: once a subscriber's last frames are the warm-up's, it has them all.
        const warmedUp = (s: Subscriber) => s.frames.length >= WARM_UP && decodeFrames(s.frames.slice(-WARM_UP)).every(([id]) => warm.has(id));
        await until(() => subscribers.every(warmedUp), 'the warm-up burst', DELIVERY_TIMEOUT_MS);
        for (const s of subscribers) s.frames.length = 0;
        const cpuBefore = processFigures(child.pid!).cpuSeconds;

        const ids = await burst(BURST);
        await until(() => subscribers.every((s) => s.frames.length >= BURST), 'the burst to reach every subscriber', DELIVERY_TIMEOUT_MS);
        const after = processFigures(child.pid!);
        const latencies: number[] = [];
        for (const s of subscribers) {
          const got = decodeFrames(s.frames);
          if (got.length !== BURST || got.some(([id]) => !ids.has(id))) throw new Error(`${variant.name}: a subscriber got other items than the burst’s`);
          for (const [id, at] of got) latencies.push(at - storedAt.get(id)!);
        }
        latencies.sort((a, b) => a - b);
        const figures = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), last: latencies[latencies.length - 1]!, cpuSeconds: after.cpuSeconds - cpuBefore, peakRssMb: after.peakRssMb };
        results.push({ name: variant.name, figures });
        console.log(
          `${variant.name.padEnd(42)} p50 ${figures.p50.toFixed(0)} ms  p99 ${figures.p99.toFixed(0)} ms  last ${figures.last.toFixed(0)} ms  server CPU ${figures.cpuSeconds.toFixed(2)} s  peak RSS ${figures.peakRssMb.toFixed(0)} MB  (load ${load()})`,
        );
      } finally {
        for (const s of subscribers) s.socket.terminate();
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
  } finally {
    await events.stop();
    await ingest.close();
    await database.close();
    await scratch.drop();
    feedServer.close();
  }

  const floor = results.find((result) => result.name === variants[0]!.name)?.figures;
  const unshared = results.find((result) => result.name === variants[1]!.name)?.figures;
  console.log('');
  console.log(`| ${SUBSCRIBERS} subscribers, ${BURST} items | p50 ms | p99 ms | last ms | server CPU s | peak RSS MB | p99 x floor | CPU x floor | p99 of a document each ÷ this |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { name: variantName, figures } of results) {
    const vsUnshared = unshared ? (unshared.p99 / figures.p99).toFixed(2) : '—';
    console.log(
      `| ${variantName} | ${figures.p50.toFixed(0)} | ${figures.p99.toFixed(0)} | ${figures.last.toFixed(0)} | ${figures.cpuSeconds.toFixed(2)} | ${figures.peakRssMb.toFixed(0)} | ${floor ? (figures.p99 / floor.p99).toFixed(2) : '—'} | ${floor ? (figures.cpuSeconds / Math.max(floor.cpuSeconds, 0.01)).toFixed(2) : '—'} | ${vsUnshared} |`,
    );
  }
  console.log(`load at the end ${load()}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
