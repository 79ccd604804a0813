import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createCliLogger, withCliContext, type CliContext, type CliContextOptions } from '../cli/cli-context';
import { CliError, ExitCode } from '../cli/errors';
import { wholeNumber } from '../cli/options';
import { startProgress } from '../cli/progress';
import { createLogger } from '../common/logger';
import { toGlobalId } from '../graphql/relay/global-id';
import { WorkerMetrics } from '../metrics/metrics';
import { startWorkerHttp } from '../metrics/metrics-endpoint';
import type { SourceRegistryService } from '../source/source-registry.service';
import { SourceRepository } from '../source/source.repository';
import { openCacheInvalidation } from '../syndication/cache-invalidation';
import type { IngestRunReport, IngestService } from './ingest.service';

/** The ingest stack, loaded when a command runs: registering commands (and `--help`) stays fast. */
function ingestStack() {
  return {
    ...(require('./ingest.service') as typeof import('./ingest.service')),
    ...(require('./scheduler/ingest-worker') as typeof import('./scheduler/ingest-worker')),
    ...(require('../source/source-registry.service') as typeof import('../source/source-registry.service')),
    ...(require('../source/source-registry.repository') as typeof import('../source/source-registry.repository')),
  };
}

/** Runs a command with a configured, migrated database; tests pass their own. */
export type IngestCliRunner = <T>(work: (ctx: CliContext) => Promise<T>, options?: CliContextOptions) => Promise<T>;

export interface CommandOutput {
  /** Results, for scripts (stdout). */
  log(line: string): void;
  /** Messages for a person (stderr); `log` when not given. */
  info?(line: string): void;
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
  const cache = await openCacheInvalidation(ctx.config, ctx.logger, ctx.db);
  const { IngestService, SourceRegistryService, SourceRegistryRepository } = ingestStack();
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
  out: CommandOutput = { log: (line) => console.log(line), info: (line) => console.error(line) },
  stopSignal: StopSignal = untilSignal,
): void {
  const info = (line: string) => (out.info ?? out.log)(line);
  const sources = program.command('sources').description('the sources newsgate follows: add, list, refresh, import and export them');
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
          const feeds = await new (ingestStack().SourceRegistryRepository)(ctx.db).feedsBySourceIds([source.dbId]);
          out.log(`added ${source.slug} (${source.name}), id ${source.id}`);
          for (const feed of feeds) out.log(`  feed ${feed.url}`);
        }),
      ),
    );

  sources
    .command('list')
    .description('every followed source with its state, schedule and last error')
    .option('--json', 'print a JSON array (id, slug, name, state, schedule, last run, feeds)')
    .action((options: { json?: boolean }) =>
      run(async ({ db }) => {
        const registry = new (ingestStack().SourceRegistryRepository)(db);
        const followed = await registry.followed();
        const feeds = await registry.feedsBySourceIds(followed.map((row) => row.sourceId));
        if (options.json) {
          const listed = followed.map(({ sourceId, leaseOwner: _owner, leaseUntil: _until, ...row }) => ({
            id: toGlobalId('Source', sourceId),
            ...row,
            feeds: feeds.filter((f) => f.sourceId === sourceId).map((f) => ({ url: f.url, lastFetchedAt: f.lastFetchedAt, lastStatus: f.lastStatus, lastError: f.lastError, itemsSeen: f.itemsSeen })),
          }));
          out.log(JSON.stringify(listed, null, 2));
          return;
        }
        if (followed.length === 0) info('no sources are followed (newsgate sources add <url>)');
        for (const row of followed) {
          const last = row.lastSuccessAt ? row.lastSuccessAt.toISOString() : 'never';
          out.log(`${row.slug}  ${row.name}  ${row.state}  every ${row.intervalMinutes} min  last success ${last}  next ${row.nextRunAt.toISOString()}  items ${row.itemsSeen}`);
          for (const feed of feeds.filter((f) => f.sourceId === row.sourceId)) out.log(`  ${feed.url}${feed.lastStatus ? `  HTTP ${feed.lastStatus}` : ''}`);
          if (row.lastError) out.log(`  last error: ${row.lastError.replace(/\n/g, '\n    ')}`);
        }
      }),
    );

  sources
    .command('refresh [slug]')
    .description('fetch a followed source now, or every followed source that is not paused (--all); exit code 1 when a run failed or partly failed')
    .option('--all', 'refresh every followed, unpaused source (a progress bar on a terminal)')
    .option('--concurrency <n>', 'sources fetched at once with --all (default: WORKER_CONCURRENCY)', wholeNumber(1, 64))
    .option('--json', 'print the run report(s) as JSON')
    .action(async (slug: string | undefined, options: { all?: boolean; concurrency?: number; json?: boolean }) => {
      if ((slug === undefined) === !options.all) throw new CliError('give either a source’s slug or --all', ExitCode.USAGE);
      await run((ctx) =>
        // One source logs its progress (stderr); with --all the progress bar does.
        withIngest({ ...ctx, logger: options.all ? ctx.logger : createCliLogger(ctx.config.logLevel) }, async (_ingest, registry) => {
          if (slug !== undefined) {
            const source = await new SourceRepository(ctx.db).findBySlug(slug);
            if (!source) throw new CliError(`no source has the slug "${slug}"`, ExitCode.NOT_FOUND);
            const { run: report } = await registry.refresh(toGlobalId('Source', source.dbId));
            out.log(options.json ? JSON.stringify({ slug, ...report }, null, 2) : summary(report));
            if (report.outcome === 'failed' || report.outcome === 'partial') throw new CliError(`the refresh of ${slug} ${report.outcome === 'failed' ? 'failed' : 'partly failed'}`);
            return;
          }
          const targets = (await new (ingestStack().SourceRegistryRepository)(ctx.db).followed()).filter((row) => row.state !== 'paused');
          if (targets.length === 0) {
            if (options.json) out.log('[]');
            else info('no unpaused sources are followed (newsgate sources add <url>)');
            return;
          }
          const results: Array<{ slug: string; run?: IngestRunReport; error?: string }> = targets.map((target) => ({ slug: target.slug }));
          const progress = startProgress({ label: 'refreshing', total: targets.length, unit: 'sources' });
          let next = 0;
          const lane = async () => {
            while (next < targets.length) {
              const index = next++;
              try {
                results[index]!.run = (await registry.refresh(toGlobalId('Source', targets[index]!.sourceId))).run;
              } catch (error) {
                results[index]!.error = error instanceof Error ? error.message : String(error);
              }
              progress.increment();
            }
          };
          const lanes = Math.min(options.concurrency ?? ctx.config.worker.concurrency, targets.length);
          await Promise.all(Array.from({ length: lanes }, lane)).finally(() => progress.stop());
          if (options.json) out.log(JSON.stringify(results.map(({ slug: s, run: r, error }) => ({ slug: s, ...r, ...(error ? { outcome: 'failed', error } : {}) })), null, 2));
          else for (const result of results) out.log(`${result.slug}  ${result.run ? summary(result.run) : `failed: ${result.error}`}`);
          const failed = results.filter((result) => !result.run || result.run.outcome === 'failed' || result.run.outcome === 'partial');
          if (failed.length > 0) throw new CliError(`${failed.length} of ${results.length} refreshes failed: ${failed.map((result) => result.slug).join(', ')}`);
        }),
      );
    });

  sources
    .command('import <opml>')
    .description('follow every feed of an OPML file not followed yet')
    .action(async (file: string) => {
      // Read first: a file that is not there is exit code 4, before any database is opened.
      const opml = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, error.code === 'ENOENT' ? ExitCode.NOT_FOUND : ExitCode.FAILURE);
      });
      await run((ctx) =>
        withIngest(ctx, async (_ingest, registry) => {
          const report = await registry.importOpml(opml);
          for (const added of report.added) out.log(`added    ${added.name}  ${added.feedUrl}`);
          for (const skipped of report.skipped) out.log(`skipped  ${skipped.feedUrl}  (${skipped.reason})`);
          out.log(`${report.added.length} added, ${report.skipped.length} skipped`);
        }),
      );
    });

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
            logger.warn('embedded database: this worker owns DATA_DIR (newsgate commands run through it, a gateway cannot start on it); run gateways and several workers on Postgres (DATABASE_URL)');
          }
          // WORKER_HTTP_PORT: /healthz, and the ingestion counters at /metrics (METRICS, METRICS_TOKEN as the gateway's).
          const metrics = ctx.config.metrics.enabled ? new WorkerMetrics() : null;
          if (metrics) ingest.observe(metrics.ingest);
          const { httpPort } = ctx.config.worker;
          const http =
            httpPort === null
              ? null
              : await startWorkerHttp({ port: httpPort, host: ctx.config.host, registry: metrics?.registry ?? null, token: ctx.config.metrics.token, logger });
          try {
            const worker = ingestStack().createIngestWorker({ config: ctx.config, database: ctx.database, db: ctx.db, ingest, logger });
            await worker.start();
            await stopSignal();
            logger.info('stopping the ingest worker');
            await worker.stop();
          } finally {
            if (http) {
              const closed = new Promise<void>((resolve) => http.close(() => resolve()));
              http.closeAllConnections();
              await closed;
            }
            metrics?.registry.clear();
          }
        });
        // A long-running process: it owns an embedded DATA_DIR and lets newsgate commands in.
      }, { role: 'server' }),
    );
}
