/**
 * Ingestion, a pipeline: fetcher (fetcher/) -> format detection and one adapter per format
 * (parser/) -> processor (processor/, sanitize/, article-page/) -> idempotent store (store/).
 * This service runs it for one source at a time; scheduler/ runs it on the sources' schedules.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ArticleWriteRepository } from '../article/article-write.repository';
import type { AppConfig } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import type { PersonRepository } from '../person/person.repository';
import { FetchState } from '../source/fetch-state';
import type { FetchStatusRecord, SourceRegistryRepository } from '../source/source-registry.repository';
import type { SourceRepository } from '../source/source.repository';
import { type BlockedAddressError, GuardedAgent, HostLimiter, fetchResource, refusedHost, type FetchResult } from './fetcher';
import type { FetchRequest, IngestObserver, IngestRunReport, ItemsStoredHook, RunOptions, SourceIngest } from './ingest.types';
import { LEASE_SECONDS, MAX_ERROR_LENGTH, SourceRun, type RunContext } from './source-run';

export type { IngestObserver, IngestRunReport, ItemsStoredHook, RunOptions } from './ingest.types';

const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;
/** How long an admin's refresh waits for another worker's run of the same source before answering `busy`. */
const MAX_WAIT_IF_BUSY_MS = 120_000;

/** The repositories ingestion reads and writes through, built by the composition root. */
export interface IngestRepositories {
  registry: SourceRegistryRepository;
  sources: SourceRepository;
  people: PersonRepository;
  /** Tests pass a writer that fails or waits on purpose. */
  writer: ArticleWriteRepository;
}

export interface IngestDeps {
  config: AppConfig;
  db: SqlExecutor;
  logger: Logger;
  repositories: IngestRepositories;
}

/**
 * One run of one source: claim it, fetch each feed (conditional GET), parse, normalise, fetch and
 * extract the pages of new items, store, and record the outcome and the next run. The claim (a
 * lease row in source_fetch_state) is what keeps two workers, in any number of processes, from
 * fetching one source at once; the store's idempotent writes are what keep a race that slips
 * past it (an expired lease) from duplicating anything.
 */
export class IngestService implements SourceIngest {
  private readonly registry: SourceRegistryRepository;
  private readonly agent: GuardedAgent;
  private readonly hosts: HostLimiter;
  private readonly itemsStoredHooks: ItemsStoredHook[] = [];
  private readonly observers: IngestObserver[] = [];

  constructor(private readonly deps: IngestDeps) {
    this.registry = deps.repositories.registry;
    this.agent = new GuardedAgent({ allowlist: deps.config.fetch.allowlist, connections: deps.config.fetch.perHostConcurrency });
    this.hosts = new HostLimiter(deps.config.fetch.perHostConcurrency);
  }

  /** Registers what to call after items are stored (cache invalidation). */
  onItemsStored(hook: ItemsStoredHook): void {
    this.itemsStoredHooks.push(hook);
  }

  /** Registers an observer of fetches and runs (metrics). */
  observe(observer: IngestObserver): void {
    this.observers.push(observer);
  }

  /** A fetch under this deployment's rules: deadline, size cap, redirects, address policy, per-host limit. */
  fetch(url: string, options: FetchRequest = {}): Promise<FetchResult> {
    const { fetch } = this.deps.config;
    return this.hosts.run(url, () =>
      fetchResource(url, {
        ...options,
        agent: this.agent,
        timeoutMs: fetch.timeoutMs,
        maxBytes: fetch.maxBytes,
        maxRedirects: fetch.maxRedirects,
        userAgent: fetch.userAgent ?? undefined,
      }),
    );
  }

  /**
   * Why this deployment's fetcher would refuse to reach the URL's host (a private, loopback,
   * link-local or metadata address that FETCH_ALLOWLIST does not open), or null. Sources are
   * checked with it when added or changed; fetches are checked again at connect time.
   */
  refusedAddress(url: string): Promise<BlockedAddressError | null> {
    return refusedHost(this.agent.policy, new URL(url));
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /**
   * Runs the source now. Returns `busy` at once when another worker holds it; with `waitIfBusy`
   * (an admin's refresh) waits for that run to end and then runs, so the caller always gets a
   * fresh result.
   */
  async runSource(sourceId: string, options: RunOptions = {}): Promise<IngestRunReport> {
    const owner = options.owner ?? `ingest-${randomUUID()}`;
    const startedAt = new Date();
    let state = await this.registry.claim(sourceId, owner, LEASE_SECONDS, options.onlyIfDue ?? false);
    const waitUntil = Date.now() + MAX_WAIT_IF_BUSY_MS;
    while (!state && options.waitIfBusy && Date.now() < waitUntil) {
      const [status] = await this.registry.statusBySourceIds([sourceId]);
      if (!status) break;
      if (options.signal?.aborted) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
      state = await this.registry.claim(sourceId, owner, LEASE_SECONDS);
    }
    if (!state) {
      const [status] = await this.registry.statusBySourceIds([sourceId]);
      return this.finished(emptyReport(sourceId, !status ? 'not-followed' : status.leaseUntil && status.leaseUntil > new Date() ? 'busy' : 'not-due', startedAt));
    }

    const report = emptyReport(sourceId, 'failed', startedAt);
    let retryAfterSeconds = 0;
    try {
      const [source] = await this.deps.repositories.sources.findByIds([sourceId]);
      const feeds = await this.registry.feedsBySourceIds([sourceId]);
      if (!source || feeds.length === 0) {
        report.error = 'The source has no feed URLs.';
      } else {
        const run = new SourceRun(this.runContext, source, state, owner, report);
        for (const feed of feeds) {
          const outcome = await run.feed(feed);
          retryAfterSeconds = Math.max(retryAfterSeconds, outcome.retryAfter ?? 0);
        }
        const failed = report.feeds.filter((feed) => feed.outcome === 'failed');
        report.outcome = failed.length === 0 ? 'succeeded' : failed.length === report.feeds.length ? 'failed' : 'partial';
        report.error = failed.length > 0 ? failed.map((feed) => `${feed.url}: ${feed.error ?? 'failed'}`).join('\n').slice(0, MAX_ERROR_LENGTH) : null;
      }
    } catch (error) {
      // Not a feed's fault (the database went away, a bug): recorded like any failure, and logged.
      this.deps.logger.error({ err: error, sourceId }, 'ingest run failed');
      report.outcome = 'failed';
      report.error = internalError(error);
    } finally {
      report.durationMs = Date.now() - startedAt.getTime();
      await this.registry
        .finish(sourceId, owner, this.nextState(state, report, retryAfterSeconds))
        .catch((err) => this.deps.logger.error({ err, sourceId }, 'could not record the ingest run'));
    }
    if (report.feedItemsWritten > 0 || report.articlesCreated > 0 || report.articlesUpdated > 0) {
      for (const hook of this.itemsStoredHooks) await hook().catch((err) => this.deps.logger.warn({ err }, 'items-stored hook failed'));
    }
    this.deps.logger.info(
      {
        sourceId,
        outcome: report.outcome,
        durationMs: report.durationMs,
        itemsSeen: report.itemsSeen,
        created: report.articlesCreated,
        updated: report.articlesUpdated,
        feedItems: report.feedItemsWritten,
        error: report.error ?? undefined,
      },
      'ingest run finished',
    );
    return this.finished(report);
  }

  private finished(report: IngestRunReport): IngestRunReport {
    for (const observer of this.observers) observer.runFinished(report);
    return report;
  }

  /** When the source runs next, and whether repeated failures pause it (state FAILING, error kept). */
  private nextState(previous: FetchStatusRecord, report: IngestRunReport, retryAfterSeconds: number) {
    const intervalMs = previous.intervalMinutes * 60_000;
    const now = Date.now();
    if (report.outcome === 'succeeded' || report.outcome === 'partial') {
      return {
        // A manual refresh of a source paused after failures that now works resumes it; an admin's pause stays.
        state: previous.state === FetchState.FAILING ? FetchState.ACTIVE : previous.state,
        nextRunAt: new Date(now + Math.max(intervalMs, retryAfterSeconds * 1000)),
        consecutiveFailures: 0,
        error: report.error,
        succeeded: true,
        itemsSeen: report.itemsSeen,
      };
    }
    const failures = previous.consecutiveFailures + 1;
    // Exponential backoff from the interval, capped at a day (or the interval, if longer), never sooner than Retry-After.
    const backoff = Math.min(intervalMs * 2 ** Math.min(failures - 1, 20), Math.max(MAX_BACKOFF_MS, intervalMs));
    const pause = failures >= this.deps.config.ingest.pauseAfterFailures && previous.state === FetchState.ACTIVE;
    return {
      state: pause ? FetchState.FAILING : previous.state,
      nextRunAt: new Date(now + Math.max(backoff, retryAfterSeconds * 1000)),
      consecutiveFailures: failures,
      error: report.error,
      succeeded: false,
      itemsSeen: 0,
    };
  }

  /** What each run of a source works with. */
  private get runContext(): RunContext {
    const { config, db, logger, repositories } = this.deps;
    return {
      config,
      db,
      logger,
      fetch: (url, options) => this.fetch(url, options),
      fetched: (target, outcome) => {
        for (const observer of this.observers) observer.fetched(target, outcome);
      },
      ...repositories,
    };
  }
}

/** What the source's record says of a failure that is not the feed's: a driver's text (it may quote SQL) stays in the log. */
function internalError(error: unknown): string {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } } | null)?.code ?? (error as { driverError?: { code?: unknown } })?.driverError?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `Internal error: database error ${code} (details in the worker's log).`;
  return `Internal error: ${error instanceof Error ? error.message : String(error)}`.slice(0, MAX_ERROR_LENGTH);
}

function emptyReport(sourceId: string, outcome: IngestRunReport['outcome'], startedAt: Date): IngestRunReport {
  return {
    sourceId,
    outcome,
    startedAt,
    durationMs: 0,
    feeds: [],
    itemsSeen: 0,
    articlesCreated: 0,
    articlesUpdated: 0,
    articlesUnchanged: 0,
    feedItemsWritten: 0,
    peopleCreated: 0,
    pagesFetched: 0,
    error: null,
  };
}
