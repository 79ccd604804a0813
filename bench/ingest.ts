import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { ArticleWriteRepository } from '../src/article/article-write.repository';
import { createLogger } from '../src/common/logger';
import { loadConfig, type AppConfig } from '../src/config/config';
import { openDatabase } from '../src/db/data-source';
import { SqlExecutor, sqlStatementCount } from '../src/db/sql-executor';
import { IngestService } from '../src/ingest/ingest.service';
import { parseFeed } from '../src/ingest/parser';
import { processFeed } from '../src/ingest/processor/feed.processor';
import { PersonRepository } from '../src/person/person.repository';
import { SourceRegistryRepository } from '../src/source/source-registry.repository';
import { SourceRegistryService } from '../src/source-registry/source-registry.service';
import { SourceRepository } from '../src/source/source.repository';
import { seed } from '../src/seed/seed';
import { createScratchDatabase } from './scratch-database';

/**
 * `npm run bench:ingest`: ingestion throughput in items/s (fetch from a local server, parse,
 * normalise, link people and outlets, store) for one 10,000-item feed and for 200 feeds of 50
 * items, with the peak RSS of each phase, against the database DATABASE_URL selects: a scratch
 * database created on that Postgres server (and dropped after), or an in-memory PGlite when it
 * is unset. Each phase also runs a second time, when everything is stored already (the steady
 * state of a feed polled every few minutes). Article pages are off: this measures the pipeline,
 * not publishers' servers. Prints figures; asserts nothing.
 *
 * BENCH_ITEMS (default 10000), BENCH_FEEDS (default 200), BENCH_FEED_ITEMS (default 50),
 * WORKER_CONCURRENCY (default 4: sources run at once in the many-feeds phase), BENCH_KEEP_DATABASE=1
 * (the scratch database is kept, and its name printed, to read its plans after).
 */
const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const FEEDS = Number(process.env.BENCH_FEEDS ?? 200);
const FEED_ITEMS = Number(process.env.BENCH_FEED_ITEMS ?? 50);

const AUTHORS = ['Jane Doe', 'John Roe', 'রহিম উদ্দিন', 'করিম হোসেন', 'Ana Lima', 'এসএস/এসএন', 'Reuters', 'Staff Reporter'];
const BODIES = [
  '<p>এসসিও সম্মেলনের ফাঁকে বৈঠকে বসেছেন পাকিস্তানের প্রধানমন্ত্রী শেহবাজ শরিফ ও রাশিয়ার প্রেসিডেন্ট ভ্লাদিমির পুতিন।</p><p>পুতিনের আমন্ত্রণে মস্কো সফরের আগ্রহও প্রকাশ করেন শরিফ, জানিয়েছে রয়টার্স।</p>',
  '<p>Vladimir Putin met Shehbaz Sharif in Beijing, <a href="/world">Reuters</a> reported.</p><p>Putin’s remarks on trade <script>track()</script>were brief.</p><p>Ministers will meet again in November.</p>',
];

function feedXml(origin: string, name: string, count: number): string {
  const items: string[] = [];
  for (let i = 1; i <= count; i++) {
    const bengali = i % 2 === 0;
    items.push(
      `<item><title>${bengali ? `সংবাদ ${name} ${i}: পুতিনের বৈঠক` : `Story ${name} ${i}: Putin meets Sharif`}</title>` +
        `<link>${origin}/${name}/${i}?utm_source=rss</link><guid isPermaLink="false">${name}-${i}</guid>` +
        `<pubDate>${new Date(Date.UTC(2025, 8, 3) - i * 60_000).toUTCString()}</pubDate>` +
        `<dc:creator>${AUTHORS[i % AUTHORS.length]}</dc:creator><description><![CDATA[${BODIES[i % 2]}]]></description></item>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${name}</title><link>${origin}/</link><language>bn</language>${items.join('')}</channel></rss>`;
}

interface Measured<T> {
  result: T;
  seconds: number;
  peakRssMb: number;
  /** CPU seconds this process used (user + system): what the figures cost whatever else the machine runs. */
  cpuSeconds: number;
  /** CPU seconds of the scratch database's Postgres backends, when the server is on this machine; null otherwise. */
  dbCpuSeconds: number | null;
  /** SQL statements sent (sqlStatementCount: transactions' START and COMMIT not included). */
  statements: number;
}

/** Peak RSS while `work` runs, sampled every 20 ms, and the CPU it took here and in Postgres. */
async function measure<T>(work: () => Promise<T>, dbCpu: () => Promise<number | null> = async () => null): Promise<Measured<T>> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const dbBefore = await dbCpu();
  const cpuBefore = process.cpuUsage();
  const statementsBefore = sqlStatementCount();
  const started = process.hrtime.bigint();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const dbAfter = await dbCpu();
    return {
      result,
      seconds,
      peakRssMb: peak / 1024 / 1024,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      dbCpuSeconds: dbBefore === null || dbAfter === null ? null : dbAfter - dbBefore,
      statements: sqlStatementCount() - statementsBefore,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** `CPU 1.2 ms/item here, 0.8 in Postgres`: per item, so that runs on a busy machine compare. */
function cpuPerItem(run: Measured<unknown>, items: number): string {
  const db = run.dbCpuSeconds === null ? '' : `, ${((run.dbCpuSeconds * 1000) / items).toFixed(2)} in Postgres`;
  return `CPU ${((run.cpuSeconds * 1000) / items).toFixed(2)} ms/item here${db}, ${(run.statements / items).toFixed(3)} statements/item`;
}

/**
 * CPU seconds (user + system) of the backends serving `database`, read from /proc: only when the
 * server runs on this machine (the bench's usual setup); null when they cannot be read.
 */
async function backendCpuSeconds(db: SqlExecutor, database: string): Promise<number | null> {
  const rows = await db.manager.query<Array<{ pid: number }>>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / ticks;
    } catch {
      return null;
    }
  }
  return total;
}

async function scratchDatabase(): Promise<{ config: AppConfig; drop(): Promise<void>; label: string; database: string | null }> {
  const base = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    FETCH_ALLOWLIST: '127.0.0.1',
    FETCH_MAX_BYTES: String(64 * 1024 * 1024),
    INGEST_ARTICLE_PAGES: 'false',
    WORKER_ENABLED: 'false',
  });
  if (!base.databaseUrl) return { config: { ...base, dataDir: 'memory://' }, drop: async () => undefined, label: 'PGlite (in memory)', database: null };
  const scratch = await createScratchDatabase(base.databaseUrl, 'newsgate_bench_ingest');
  const drop = process.env.BENCH_KEEP_DATABASE === '1' ? async () => console.log(`kept the scratch database ${scratch.name}`) : scratch.drop;
  return { config: { ...base, databaseUrl: scratch.url }, drop, label: `Postgres (${new URL(scratch.url).host}, scratch database)`, database: scratch.name };
}

async function main(): Promise<void> {
  const feeds = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const body = feeds.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/rss+xml; charset=utf-8' });
    res.end(body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const scratch = await scratchDatabase();
  const database = await openDatabase(scratch.config);
  const db = new SqlExecutor(database.dataSource);
  const logger = createLogger('silent');
  const ingest = new IngestService({
    config: scratch.config,
    db,
    logger,
    repositories: { registry: new SourceRegistryRepository(db), sources: new SourceRepository(db), people: new PersonRepository(db), writer: new ArticleWriteRepository() },
  });
  const registry = new SourceRegistryService(db, new SourceRepository(db), new SourceRegistryRepository(db), ingest, 60);
  const print = (line: string) => console.log(line);
  const local = scratch.database !== null && ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(scratch.config.databaseUrl!).hostname);
  const dbCpu = () => (local ? backendCpuSeconds(db, scratch.database!) : Promise.resolve(null));
  try {
    await seed(db);
    print(`newsgate ingest bench — ${scratch.label}, Node ${process.version}, batch ${scratch.config.ingest.batchSize} items per transaction, load ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
    print(`RSS before the runs (database open, catalog seeded): ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);

    // Parse and normalise alone, without the database: the CPU part of the pipeline.
    const big = feedXml(origin, 'big', ITEMS);
    feeds.set('/big.xml', big);
    const cpu = await measure(async () => processFeed(parseFeed(Buffer.from(big), { url: `${origin}/big.xml` }), { id: 'x', language: 'bn', timeZone: null }, { now: new Date() }).length);
    print(`parse + normalise only: ${cpu.result} items in ${cpu.seconds.toFixed(2)} s = ${Math.round(cpu.result / cpu.seconds)} items/s (${(big.length / 1024 / 1024).toFixed(1)} MB feed), ${cpuPerItem(cpu, cpu.result)}`);

    const one = await registry.add({ name: 'Bench big feed', feedUrls: [`${origin}/big.xml`] });
    for (const pass of ['first run (all new)', 'second run (all stored)']) {
      const run = await measure(() => ingest.runSource(one.dbId), dbCpu);
      if (run.result.outcome !== 'succeeded') throw new Error(`big feed: ${run.result.error ?? 'no error given'}`);
      print(
        `1 feed × ${ITEMS} items, ${pass}: ${run.seconds.toFixed(2)} s = ${Math.round(ITEMS / run.seconds)} items/s, ` +
          `peak RSS ${run.peakRssMb.toFixed(0)} MB, ${cpuPerItem(run, ITEMS)} (created ${run.result.articlesCreated}, unchanged ${run.result.articlesUnchanged}, people created ${run.result.peopleCreated})`,
      );
    }

    const ids: string[] = [];
    for (let i = 1; i <= FEEDS; i++) {
      feeds.set(`/many/${i}.xml`, feedXml(origin, `feed${i}`, FEED_ITEMS));
      ids.push((await registry.add({ name: `Bench feed ${i}`, feedUrls: [`${origin}/many/${i}.xml`] })).dbId);
    }
    const concurrency = scratch.config.worker.concurrency;
    for (const pass of ['first run (all new)', 'second run (all stored)']) {
      const run = await measure(async () => {
        const queue = [...ids];
        let items = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            for (let id = queue.shift(); id; id = queue.shift()) {
              const report = await ingest.runSource(id);
              if (report.outcome !== 'succeeded') throw new Error(`feed: ${report.error ?? 'no error given'}`);
              items += report.itemsSeen;
            }
          }),
        );
        return items;
      }, dbCpu);
      print(
        `${FEEDS} feeds × ${FEED_ITEMS} items (${concurrency} at once), ${pass}: ${run.seconds.toFixed(2)} s = ${Math.round(run.result / run.seconds)} items/s, peak RSS ${run.peakRssMb.toFixed(0)} MB, ${cpuPerItem(run, run.result)}`,
      );
    }
    const [counts] = await db.manager.query<Array<{ articles: number; items: number; people: number }>>('SELECT (SELECT count(*) FROM article)::int AS articles, (SELECT count(*) FROM feed_item)::int AS items, (SELECT count(*) FROM person)::int AS people');
    print(`load at the end ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
    print(`stored: ${counts.articles} articles, ${counts.items} feed items, ${counts.people} people; process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await ingest.close();
    await database.close();
    await scratch.drop();
    server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
