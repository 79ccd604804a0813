import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { toGlobalId } from '../graphql/relay/global-id';
import { FetchState } from '../source/fetch-state';
import type { IngestRunReport } from '../ingest/ingest.service';
import { SourceRepository } from '../source/source.repository';
import type { FetchStatusRecord } from '../source/source-registry.repository';
import type { SourceRegistryService } from '../source-registry/source-registry.service';
import { createCliLogger, type CliContext } from './cli-context';
import { infoOf, type CliRunner, type CommandOutput } from './command-io';
import { CliError, ExitCode } from '../composition/exit-codes';
import { registryRepository, withIngest } from './ingest-stack';
import { wholeNumber } from './options';
import { startProgress } from './progress';

interface AddOptions {
  name?: string;
  interval?: number;
  language?: string;
  timeZone?: string;
}

interface RefreshOptions {
  all?: boolean;
  concurrency?: number;
  json?: boolean;
}

interface RefreshResult {
  slug: string;
  run?: IngestRunReport;
  error?: string;
}

/**
 * `newsgate sources add <url>`, `sources list`, `sources refresh <slug>`, `sources import <opml>`
 * and `sources export`: the same services as the admin mutations.
 */
export function registerSourceCommands(program: Command, run: CliRunner, out: CommandOutput): void {
  const sources = program.command('sources').description('the sources newsgate follows: add, list, refresh, import and export them');
  sources
    .command('add <url>')
    .description('follow a source: a feed URL, or a home page whose <link rel="alternate"> feeds are used')
    .option('--name <name>', 'the outlet’s name (default: the feed’s or page’s title)')
    .option('--interval <minutes>', 'minutes between fetches', (value) => Number(value))
    .option('--language <tag>', 'main language, a BCP 47 tag (bn, en, ...)')
    .option('--time-zone <zone>', 'IANA zone for dates written without one (Asia/Dhaka)')
    .action((url: string, options: AddOptions) => run((ctx) => addSource(ctx, url, options, out)));

  sources
    .command('list')
    .description('every followed source with its state, schedule and last error')
    .option('--json', 'print a JSON array (id, slug, name, state, schedule, last run, feeds)')
    .action((options: { json?: boolean }) => run((ctx) => listSources(ctx, options, out)));

  sources
    .command('refresh [slug]')
    .description('fetch a followed source now, or every followed source that is not paused (--all); exit code 1 when a run failed or partly failed')
    .option('--all', 'refresh every followed, unpaused source (a progress bar on a terminal)')
    .option('--concurrency <n>', 'sources fetched at once with --all (default: WORKER_CONCURRENCY)', wholeNumber(1, 64))
    .option('--json', 'print the run report(s) as JSON')
    .action(async (slug: string | undefined, options: RefreshOptions) => {
      if ((slug === undefined) === !options.all) throw new CliError('give either a source’s slug or --all', ExitCode.USAGE);
      await run((ctx) =>
        // One source logs its progress (stderr); with --all the progress bar does.
        withIngest({ ...ctx, logger: options.all ? ctx.logger : createCliLogger(ctx.config.logLevel) }, ({ registry }) =>
          slug !== undefined ? refreshOne(ctx, registry, slug, options, out) : refreshAll(ctx, registry, options, out),
        ),
      );
    });

  sources
    .command('import <opml>')
    .description('follow every feed of an OPML file not followed yet')
    .action(async (file: string) => {
      // Read first: a file that is not there is exit code 4, before any database is opened.
      const opml = await readOpml(file);
      await run((ctx) => withIngest(ctx, ({ registry }) => importOpml(registry, opml, out)));
    });

  sources
    .command('export')
    .description('print every followed source’s feeds as OPML 2.0')
    .action(() => run((ctx) => withIngest(ctx, async ({ registry }) => out.log(await registry.exportOpml()))));
}

/** One line per run, then one per feed: what a person reads after a refresh. */
function runSummary(run: IngestRunReport): string {
  const feeds = run.feeds.map((feed) => `  ${feed.outcome.padEnd(12)} ${feed.url}${feed.error ? `  ${feed.error}` : ''}`).join('\n');
  return `${run.outcome}: ${run.itemsSeen} items seen, ${run.articlesCreated} articles created, ${run.articlesUpdated} updated, ${run.feedItemsWritten} headlines written, ${run.pagesFetched} pages fetched in ${run.durationMs} ms\n${feeds}`;
}

async function addSource(ctx: CliContext, url: string, options: AddOptions, out: CommandOutput): Promise<void> {
  await withIngest(ctx, async ({ registry }) => {
    const source = await registry.add({
      name: options.name,
      homepageUrl: url,
      language: options.language,
      fetchIntervalMinutes: options.interval,
      timeZone: options.timeZone,
    });
    const feeds = await registryRepository(ctx).feedsBySourceIds([source.dbId]);
    out.log(`added ${source.slug} (${source.name}), id ${toGlobalId('Source', source.dbId)}`);
    for (const feed of feeds) out.log(`  feed ${feed.url}`);
  });
}

async function listSources(ctx: CliContext, options: { json?: boolean }, out: CommandOutput): Promise<void> {
  const registry = registryRepository(ctx);
  const followed = await registry.followed();
  const feeds = await registry.feedsBySourceIds(followed.map((row) => row.sourceId));
  const feedsOf = (sourceId: string) => feeds.filter((feed) => feed.sourceId === sourceId);
  if (options.json) {
    const listed = followed.map(({ sourceId, leaseOwner: _owner, leaseUntil: _until, ...row }) => ({
      id: toGlobalId('Source', sourceId),
      ...row,
      feeds: feedsOf(sourceId).map((f) => ({ url: f.url, lastFetchedAt: f.lastFetchedAt, lastStatus: f.lastStatus, lastError: f.lastError, itemsSeen: f.itemsSeen })),
    }));
    out.log(JSON.stringify(listed, null, 2));
    return;
  }
  if (followed.length === 0) infoOf(out)('no sources are followed (newsgate sources add <url>)');
  for (const row of followed) {
    const last = row.lastSuccessAt ? row.lastSuccessAt.toISOString() : 'never';
    out.log(`${row.slug}  ${row.name}  ${row.state}  every ${row.intervalMinutes} min  last success ${last}  next ${row.nextRunAt.toISOString()}  items ${row.itemsSeen}`);
    for (const feed of feedsOf(row.sourceId)) out.log(`  ${feed.url}${feed.lastStatus ? `  HTTP ${feed.lastStatus}` : ''}`);
    if (row.lastError) out.log(`  last error: ${row.lastError.replace(/\n/g, '\n    ')}`);
  }
}

async function refreshOne(ctx: CliContext, registry: SourceRegistryService, slug: string, options: RefreshOptions, out: CommandOutput): Promise<void> {
  const source = await new SourceRepository(ctx.db).findBySlug(slug);
  if (!source) throw new CliError(`no source has the slug "${slug}"`, ExitCode.NOT_FOUND);
  const { run: report } = await registry.refresh(source.dbId);
  out.log(options.json ? JSON.stringify({ slug, ...report }, null, 2) : runSummary(report));
  if (report.outcome === 'failed' || report.outcome === 'partial') throw new CliError(`the refresh of ${slug} ${report.outcome === 'failed' ? 'failed' : 'partly failed'}`);
}

async function refreshAll(ctx: CliContext, registry: SourceRegistryService, options: RefreshOptions, out: CommandOutput): Promise<void> {
  const targets = (await registryRepository(ctx).followed()).filter((row) => row.state !== FetchState.PAUSED);
  if (targets.length === 0) {
    if (options.json) out.log('[]');
    else infoOf(out)('no unpaused sources are followed (newsgate sources add <url>)');
    return;
  }
  const results = await refreshInLanes(registry, targets, options.concurrency ?? ctx.config.worker.concurrency);
  if (options.json) out.log(JSON.stringify(results.map(({ slug, run, error }) => ({ slug, ...run, ...(error ? { outcome: 'failed', error } : {}) })), null, 2));
  else for (const result of results) out.log(`${result.slug}  ${result.run ? runSummary(result.run) : `failed: ${result.error ?? 'no report'}`}`);
  const failed = results.filter((result) => !result.run || result.run.outcome === 'failed' || result.run.outcome === 'partial');
  if (failed.length > 0) throw new CliError(`${failed.length} of ${results.length} refreshes failed: ${failed.map((result) => result.slug).join(', ')}`);
}

/** Refreshes the targets, `concurrency` at a time, behind a progress bar; results in the targets' order. */
async function refreshInLanes(registry: SourceRegistryService, targets: Array<FetchStatusRecord & { slug: string }>, concurrency: number): Promise<RefreshResult[]> {
  const results: RefreshResult[] = targets.map((target) => ({ slug: target.slug }));
  const progress = startProgress({ label: 'refreshing', total: targets.length, unit: 'sources' });
  let next = 0;
  const lane = async () => {
    while (next < targets.length) {
      const index = next++;
      try {
        results[index]!.run = (await registry.refresh(targets[index]!.sourceId)).run;
      } catch (error) {
        results[index]!.error = error instanceof Error ? error.message : String(error);
      }
      progress.increment();
    }
  };
  const lanes = Math.min(concurrency, targets.length);
  await Promise.all(Array.from({ length: lanes }, lane)).finally(() => progress.stop());
  return results;
}

function readOpml(file: string): Promise<Buffer> {
  return readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, error.code === 'ENOENT' ? ExitCode.NOT_FOUND : ExitCode.FAILURE);
  });
}

async function importOpml(registry: SourceRegistryService, opml: Buffer, out: CommandOutput): Promise<void> {
  const report = await registry.importOpml(opml);
  for (const added of report.added) out.log(`added    ${added.name}  ${added.feedUrl}`);
  for (const skipped of report.skipped) out.log(`skipped  ${skipped.feedUrl}  (${skipped.reason})`);
  out.log(`${report.added.length} added, ${report.skipped.length} skipped`);
}
