import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { withCliContext, type CliContext } from '../cli/cli-context';
import { createLogger } from '../common/logger';
import { toGlobalId } from '../graphql/relay/global-id';
import { SourceRegistryRepository } from '../source/source-registry.repository';
import { SourceRegistryService } from '../source/source-registry.service';
import { SourceRepository } from '../source/source.repository';
import { openCacheInvalidation } from '../syndication/cache-invalidation';
import { IngestService, type IngestRunReport } from './ingest.service';
import { createIngestWorker } from './scheduler/ingest-worker';

/** Runs a command with a configured, migrated database; tests pass their own. */
export type IngestCliRunner = <T>(work: (ctx: CliContext) => Promise<T>) => Promise<T>;

export interface CommandOutput {
  log(line: string): void;
}

/** Waits for SIGINT or SIGTERM (the worker command's lifetime); tests pass a promise of their own. */
export type StopSignal = () => Promise<void>;

const untilSignal: StopSignal = () =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

/** The ingest services over one database, with stored items ending the shared response cache (REDIS_URL). */
async function withIngest<T>(ctx: CliContext, work: (ingest: IngestService, registry: SourceRegistryService) => Promise<T>): Promise<T> {
  const cache = await openCacheInvalidation(ctx.config, ctx.logger);
  const ingest = new IngestService({ config: ctx.config, db: ctx.db, logger: ctx.logger });
  ingest.onItemsStored(() => cache.invalidation.newItemsStored());
  const registry = new SourceRegistryService(ctx.db, new SourceRepository(ctx.db), new SourceRegistryRepository(ctx.db), ingest, ctx.config.ingest.defaultIntervalMinutes);
  try {
    return await work(ingest, registry);
  } finally {
    await ingest.close();
    await cache.close();
  }
}

function summary(run: IngestRunReport): string {
  const feeds = run.feeds.map((feed) => `  ${feed.outcome.padEnd(12)} ${feed.url}${feed.error ? `  ${feed.error}` : ''}`).join('\n');
  return `${run.outcome}: ${run.itemsSeen} items seen, ${run.articlesCreated} articles created, ${run.articlesUpdated} updated, ${run.feedItemsWritten} headlines written, ${run.pagesFetched} pages fetched in ${run.durationMs} ms\n${feeds}`;
}

/**
 * `newsgate sources add <url>`, `sources list`, `sources refresh <slug>`, `sources import <opml>`,
 * `sources export`, and `newsgate worker`: the same services as the admin mutations and `npm start`.
 */
export function registerIngestCommands(
  program: Command,
  run: IngestCliRunner = withCliContext,
  out: CommandOutput = { log: (line) => console.log(line) },
  stopSignal: StopSignal = untilSignal,
): void {
  const sources = program.command('sources').description('the sources newsgate follows');
  sources
    .command('add <url>')
    .description('follow a source: a feed URL, or a home page whose <link rel="alternate"> feeds are used')
    .option('--name <name>', 'the outlet’s name (default: the feed’s or page’s title)')
    .option('--interval <minutes>', 'minutes between fetches', (value) => Number(value))
    .option('--language <tag>', 'main language, a BCP 47 tag (bn, en, ...)')
    .option('--time-zone <zone>', 'IANA zone for dates written without one (Asia/Dhaka)')
    .action((url: string, options: { name?: string; interval?: number; language?: string; timeZone?: string }) =>
      run((ctx) =>
        withIngest(ctx, async (_ingest, registry) => {
          const source = await registry.add({
            name: options.name,
            homepageUrl: url,
            language: options.language,
            fetchIntervalMinutes: options.interval,
            timeZone: options.timeZone,
          });
          const feeds = await new SourceRegistryRepository(ctx.db).feedsBySourceIds([source.dbId]);
          out.log(`added ${source.slug} (${source.name}), id ${source.id}`);
          for (const feed of feeds) out.log(`  feed ${feed.url}`);
        }),
      ),
    );

  sources
    .command('list')
    .description('every followed source with its state, schedule and last error')
    .action(() =>
      run(async ({ db }) => {
        const registry = new SourceRegistryRepository(db);
        const followed = await registry.followed();
        const feeds = await registry.feedsBySourceIds(followed.map((row) => row.sourceId));
        if (followed.length === 0) out.log('no sources are followed (newsgate sources add <url>)');
        for (const row of followed) {
          const last = row.lastSuccessAt ? row.lastSuccessAt.toISOString() : 'never';
          out.log(`${row.slug}  ${row.name}  ${row.state}  every ${row.intervalMinutes} min  last success ${last}  next ${row.nextRunAt.toISOString()}  items ${row.itemsSeen}`);
          for (const feed of feeds.filter((f) => f.sourceId === row.sourceId)) out.log(`  ${feed.url}${feed.lastStatus ? `  HTTP ${feed.lastStatus}` : ''}`);
          if (row.lastError) out.log(`  last error: ${row.lastError.replace(/\n/g, '\n    ')}`);
        }
      }),
    );

  sources
    .command('refresh <slug>')
    .description('fetch a followed source now, printing progress')
    .action((slug: string) =>
      run((ctx) =>
        withIngest({ ...ctx, logger: createLogger(ctx.config.logLevel) }, async (_ingest, registry) => {
          const source = await new SourceRepository(ctx.db).findBySlug(slug);
          if (!source) throw new Error(`no source with the slug ${slug}`);
          const { run: report } = await registry.refresh(toGlobalId('Source', source.dbId));
          out.log(summary(report));
        }),
      ),
    );

  sources
    .command('import <opml>')
    .description('follow every feed of an OPML file not followed yet')
    .action((file: string) =>
      run((ctx) =>
        withIngest(ctx, async (_ingest, registry) => {
          const report = await registry.importOpml(readFileSync(file));
          for (const added of report.added) out.log(`added    ${added.name}  ${added.feedUrl}`);
          for (const skipped of report.skipped) out.log(`skipped  ${skipped.feedUrl}  (${skipped.reason})`);
          out.log(`${report.added.length} added, ${report.skipped.length} skipped`);
        }),
      ),
    );

  sources
    .command('export')
    .description('print every followed source’s feeds as OPML 2.0')
    .action(() => run((ctx) => withIngest(ctx, async (_ingest, registry) => out.log(await registry.exportOpml()))));

  program
    .command('worker')
    .description('run the ingest worker alone: fetch due sources on their schedule until SIGINT/SIGTERM')
    .action(() =>
      run(async (ctx) => {
        const logger = createLogger(ctx.config.logLevel);
        await withIngest({ ...ctx, logger }, async (ingest) => {
          if (ctx.database.kind === 'pglite') {
            logger.warn('embedded database: this worker must be the only process using DATA_DIR; run several workers on Postgres (DATABASE_URL)');
          }
          const worker = createIngestWorker({ config: ctx.config, database: ctx.database, db: ctx.db, ingest, logger });
          await worker.start();
          await stopSignal();
          logger.info('stopping the ingest worker');
          await worker.stop();
        });
      }),
    );
}
