import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ArticleWriteRepository } from '../article/article-write.repository';
import type { AppConfig } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import { PersonRepository } from '../person/person.repository';
import { FetchState } from '../source/source-fetch-state.entity';
import { SourceRegistryRepository, type FetchStatusRecord, type SourceFeedRecord } from '../source/source-registry.repository';
import { SourceRepository } from '../source/source.repository';
import type { SourceRecord } from '../source/source.types';
import { extractArticlePage, type ExtractedPage } from './article-page/article-page.extractor';
import { decodeHtml, isHtml } from './article-page/html-decode';
import { BlockedAddressError, FetchError, GuardedAgent, HostLimiter, fetchResource, refusedHost, type FetchOptions, type FetchResult } from './fetcher';
import { clampFutureDate, FeedParseError, parseFeed } from './parser';
import { processFeed, type ProcessedItem } from './processor/feed.processor';
import { EntityDirectory } from './store/entity-directory';
import { IngestStore, type StoryToStore } from './store/ingest.store';

const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';
/** How long a claim on a source holds if its worker dies mid-run; renewed while a run makes progress. */
const LEASE_SECONDS = 600;
/** Items of one feed kept apart from the next feed's on equal dates (feed_item.position). */
const POSITIONS_PER_FEED = 100_000;
const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;
const MAX_ERROR_LENGTH = 1000;
/** How long an admin's refresh waits for another worker's run of the same source before answering `busy`. */
const MAX_WAIT_IF_BUSY_MS = 120_000;
/** Pages fetched at once per run (the per-host limit applies on top). */
const PAGE_CONCURRENCY = 4;

export interface FeedRunReport {
  url: string;
  outcome: 'stored' | 'not-modified' | 'failed';
  httpStatus: number | null;
  error: string | null;
  itemsSeen: number;
}

export interface IngestRunReport {
  sourceId: string;
  /** `busy`: another worker holds the source; `not-due`: a scheduled job found it paused or already run. Nothing was done then. */
  outcome: 'succeeded' | 'partial' | 'failed' | 'busy' | 'not-due' | 'not-followed';
  startedAt: Date;
  durationMs: number;
  feeds: FeedRunReport[];
  itemsSeen: number;
  articlesCreated: number;
  articlesUpdated: number;
  articlesUnchanged: number;
  feedItemsWritten: number;
  peopleCreated: number;
  pagesFetched: number;
  error: string | null;
}

export interface RunOptions {
  /** Who claims the source (a worker id); a fresh one by default. */
  owner?: string;
  /** Wait for a run another worker has in progress, then run (an admin's refresh). */
  waitIfBusy?: boolean;
  /** Run only if the source is active and due (scheduled jobs, which may arrive after a run). */
  onlyIfDue?: boolean;
  /** Ends the waiting of waitIfBusy. */
  signal?: AbortSignal;
}

/** Called after a run stored new or changed items (the response cache ends its copies). */
export type ItemsStoredHook = () => Promise<void>;

/** Told what ingestion does as it does it (the metrics, src/metrics/metrics.ts). Must not throw. */
export interface IngestObserver {
  /** A fetch of a feed or an article page ended: `ok`, `not_modified` or a FetchError code. */
  fetched(target: 'feed' | 'page', outcome: string): void;
  /** A run ended, whatever its outcome (busy and not-due included). */
  runFinished(report: IngestRunReport): void;
}

export interface IngestDeps {
  config: AppConfig;
  db: SqlExecutor;
  logger: Logger;
  /** Overrides for tests: a writer that fails on purpose, a fixed clock. */
  writer?: ArticleWriteRepository;
}

/**
 * One run of one source: claim it, fetch each feed (conditional GET), parse, normalise, fetch and
 * extract the pages of new items, store, and record the outcome and the next run. The claim (a
 * lease row in source_fetch_state) is what keeps two workers, in any number of processes, from
 * fetching one source at once; the store's idempotent writes are what keep a race that slips
 * past it (an expired lease) from duplicating anything.
 */
export class IngestService {
  private readonly registry: SourceRegistryRepository;
  private readonly sources: SourceRepository;
  private readonly people: PersonRepository;
  private readonly writer: ArticleWriteRepository;
  private readonly agent: GuardedAgent;
  private readonly hosts: HostLimiter;
  private readonly itemsStoredHooks: ItemsStoredHook[] = [];
  private readonly observers: IngestObserver[] = [];

  constructor(private readonly deps: IngestDeps) {
    this.registry = new SourceRegistryRepository(deps.db);
    this.sources = new SourceRepository(deps.db);
    this.people = new PersonRepository(deps.db);
    this.writer = deps.writer ?? new ArticleWriteRepository();
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
  fetch(url: string, options: Pick<FetchOptions, 'etag' | 'lastModified' | 'accept' | 'allowTruncated'> = {}): Promise<FetchResult> {
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
      const [source] = await this.sources.findByIds([sourceId]);
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
        report.error = failed.length > 0 ? failed.map((feed) => `${feed.url}: ${feed.error}`).join('\n').slice(0, MAX_ERROR_LENGTH) : null;
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
    return {
      deps: this.deps,
      fetch: (url, options) => this.fetch(url, options),
      fetched: (target, outcome) => {
        for (const observer of this.observers) observer.fetched(target, outcome);
      },
      registry: this.registry,
      people: this.people,
      sources: this.sources,
      writer: this.writer,
    };
  }
}

interface RunContext {
  deps: IngestDeps;
  fetch: IngestService['fetch'];
  fetched: IngestObserver['fetched'];
  registry: SourceRegistryRepository;
  people: PersonRepository;
  sources: SourceRepository;
  writer: ArticleWriteRepository;
}

/** One run of one source: the feeds, their pages and the store, sharing one entity directory. */
class SourceRun {
  private directory: EntityDirectory | null = null;

  private readonly deps: IngestDeps;
  private readonly registry: SourceRegistryRepository;

  constructor(
    private readonly ctx: RunContext,
    private readonly source: SourceRecord,
    private readonly state: FetchStatusRecord,
    private readonly owner: string,
    private readonly report: IngestRunReport,
  ) {
    this.deps = ctx.deps;
    this.registry = ctx.registry;
  }

  async feed(feed: SourceFeedRecord): Promise<{ retryAfter?: number }> {
    const entry: FeedRunReport = { url: feed.url, outcome: 'failed', httpStatus: null, error: null, itemsSeen: 0 };
    this.report.feeds.push(entry);
    try {
      const fetched = await this.ctx.fetch(feed.url, { etag: feed.etag, lastModified: feed.lastModified });
      this.ctx.fetched('feed', fetched.status === 'not-modified' ? 'not_modified' : 'ok');
      entry.httpStatus = fetched.httpStatus;
      if (fetched.status === 'not-modified') {
        entry.outcome = 'not-modified';
        await this.registry.recordFeed(feed.id, { httpStatus: 304, error: null });
        return {};
      }
      const parsed = parseFeed(fetched.body, { contentType: fetched.headers.contentType ?? undefined, url: fetched.finalUrl });
      const items = processFeed(
        parsed,
        { id: this.source.dbId, language: this.source.language, timeZone: this.state.timeZone },
        { now: new Date(), firstPosition: (feed.position - 1) * POSITIONS_PER_FEED + 1 },
      );
      entry.itemsSeen = items.length;
      this.report.itemsSeen += items.length;
      const stories = await this.stories(items);
      const directory = (this.directory ??= await EntityDirectory.load(this.ctx.people, this.ctx.sources));
      const store = new IngestStore(this.deps.db, directory, this.ctx.writer);
      const stored = await store.store(this.source.dbId, stories, {
        batchSize: this.deps.config.ingest.batchSize,
        onProgress: (done, total) => this.progress(feed.url, done, total),
      });
      this.report.articlesCreated += stored.articlesCreated;
      this.report.articlesUpdated += stored.articlesUpdated;
      this.report.articlesUnchanged += stored.articlesUnchanged;
      this.report.feedItemsWritten += stored.feedItemsWritten;
      this.report.peopleCreated += stored.peopleCreated;
      entry.outcome = 'stored';
      // Validators are saved only once the items are stored: a run that dies before must not
      // make the next one receive 304 and skip what was never written.
      await this.registry.recordFeed(feed.id, {
        httpStatus: fetched.httpStatus,
        error: null,
        validators: { etag: fetched.headers.etag, lastModified: fetched.headers.lastModified },
        itemsSeen: items.length,
      });
      return {};
    } catch (error) {
      if (!(error instanceof FetchError || error instanceof FeedParseError)) throw error;
      if (error instanceof FetchError) this.ctx.fetched('feed', error.code);
      entry.error = describe(error);
      entry.httpStatus = error instanceof FetchError ? (error.httpStatus ?? null) : entry.httpStatus;
      await this.registry.recordFeed(feed.id, { httpStatus: entry.httpStatus, error: entry.error });
      return { retryAfter: error instanceof FetchError ? error.retryAfter : undefined };
    }
  }

  private lastProgressLog = 0;

  /** Long runs say how far they are, and keep their claim on the source alive. */
  private progress(url: string, done: number, total: number): void {
    const now = Date.now();
    if (done < total && now - this.lastProgressLog < 5000) return;
    this.lastProgressLog = now;
    if (total > this.deps.config.ingest.batchSize) this.deps.logger.info({ sourceId: this.source.dbId, feed: url, stored: done, total }, 'ingest progress');
    void this.registry.extend(this.source.dbId, this.owner, LEASE_SECONDS).catch(() => undefined);
  }

  /**
   * Items as stories to store. With article pages on, each new item's page is fetched and
   * extracted (at most maxPagesPerRun per run; the rest wait as headlines for the next run), and
   * a stored article's page again only when the feed says the item was updated since.
   */
  private async stories(items: ProcessedItem[]): Promise<StoryToStore[]> {
    const { articlePages, maxPagesPerRun } = this.deps.config.ingest;
    const linked = items.filter((item) => item.url !== null);
    if (!articlePages || linked.length === 0) return items.map((item) => toStory(item, null, 'feed'));

    const stored = await this.ctx.writer.datesByUrl(this.deps.db.manager, linked.map((item) => item.url!));
    const wanted = linked.filter((item) => {
      const existing = stored.get(item.url!);
      return !existing || (item.updatedAt !== null && item.updatedAt > existing.updatedAt);
    });
    const fetchNow = new Set(wanted.slice(0, maxPagesPerRun));
    const pages = new Map<ProcessedItem, FetchedPage | null>();
    const queue = [...fetchNow];
    await Promise.all(
      Array.from({ length: Math.min(PAGE_CONCURRENCY, queue.length) }, async () => {
        for (let item = queue.shift(); item; item = queue.shift()) pages.set(item, await this.page(item));
      }),
    );
    return items.map((item) => {
      if (item.url === null) return toStory(item, null, 'feed');
      if (fetchNow.has(item)) return toStory(item, pages.get(item) ?? null, 'feed');
      // Over the page budget: a headline now, its article on a later run. Already stored and not
      // updated: the feed item keeps its article, which is not rewritten from the feed's shorter copy.
      return toStory(item, null, 'headline');
    });
  }

  private async page(item: ProcessedItem): Promise<FetchedPage | null> {
    try {
      const fetched = await this.ctx.fetch(item.url!, { accept: HTML_ACCEPT, allowTruncated: true });
      this.ctx.fetched('page', fetched.status === 'not-modified' ? 'not_modified' : 'ok');
      this.report.pagesFetched++;
      if (fetched.status !== 'ok' || !isHtml(fetched.headers.contentType)) return null;
      const fetchedAt = new Date();
      const page = extractArticlePage(decodeHtml(fetched.body, fetched.headers.contentType), fetched.finalUrl, { timeZone: this.state.timeZone });
      // A page's dates are held to its fetch time like a feed's (clampFutureDate).
      const published = clampFutureDate(page.publishedAt, fetchedAt);
      return { ...page, publishedAt: published.date, publishedAtClaimed: published.claimed, modifiedAt: clampFutureDate(page.modifiedAt, fetchedAt).date };
    } catch (error) {
      // A page that cannot be had (gone, refused, too slow) leaves the feed's own copy of the story.
      if (error instanceof FetchError) this.ctx.fetched('page', error.code);
      this.deps.logger.debug({ url: item.url, err: error }, 'article page not fetched');
      return null;
    }
  }
}

/**
 * A processed item (and its extracted page) as a story for the store. The feed's copy and the
 * page's are merged: the longer body wins, feed metadata (title, authors, date) before the page's.
 */
/** An extracted page whose dates were clamped to the time it was fetched. */
type FetchedPage = ExtractedPage & { publishedAtClaimed: Date | null };

function toStory(item: ProcessedItem, page: FetchedPage | null, mode: 'feed' | 'headline'): StoryToStore {
  const story: StoryToStore = {
    key: item.key,
    position: item.position,
    headline: item.headline,
    url: item.url,
    imageUrl: item.imageUrl ?? page?.imageUrl ?? null,
    language: item.language,
    publishedAt: item.publishedAt ?? page?.publishedAt ?? null,
    publishedAtClaimed: item.publishedAt !== null ? item.publishedAtClaimed : (page?.publishedAtClaimed ?? null),
    updatedAt: item.updatedAt ?? page?.modifiedAt ?? null,
    article: null,
  };
  if (mode === 'headline' || item.url === null) return story;
  const feedLength = textLength(item.paragraphs);
  const usePage = page !== null && page.paragraphs.length > 0 && textLength(page.paragraphs) >= feedLength;
  story.url = page?.canonicalUrl ?? item.url;
  story.article = {
    title: item.headline,
    // When the page gives the body, a feed body that was shorter is the story's summary.
    summary: item.summary ?? (usePage && feedLength > 0 && textLength(page.paragraphs) > feedLength ? item.paragraphs.join(' ') : null),
    paragraphs: usePage ? page.paragraphs : item.paragraphs,
    byline: item.byline ?? page?.byline ?? null,
    authorNames: item.authorNames.length > 0 ? item.authorNames : (page?.authorNames ?? []),
  };
  return story;
}

/** What the source's record says of a failure that is not the feed's: a driver's text (it may quote SQL) stays in the log. */
function internalError(error: unknown): string {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } } | null)?.code ?? (error as { driverError?: { code?: unknown } })?.driverError?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `Internal error: database error ${code} (details in the worker's log).`;
  return `Internal error: ${error instanceof Error ? error.message : String(error)}`.slice(0, MAX_ERROR_LENGTH);
}

function textLength(paragraphs: string[]): number {
  return paragraphs.reduce((sum, paragraph) => sum + paragraph.length, 0);
}

function describe(error: FetchError | FeedParseError): string {
  const status = error instanceof FetchError && error.httpStatus ? ` (HTTP ${error.httpStatus})` : '';
  return `${error.code}${status}: ${error.message}`.slice(0, MAX_ERROR_LENGTH);
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
