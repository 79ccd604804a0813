import type { Logger } from 'pino';
import type { ArticleWriteRepository } from '../article/article-write.repository';
import type { AppConfig } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import type { PersonRepository } from '../person/person.repository';
import type { FetchStatusRecord, SourceFeedRecord, SourceRegistryRepository } from '../source/source-registry.repository';
import type { SourceRepository } from '../source/source.repository';
import type { SourceRecord } from '../source/source.record';
import { extractArticlePage, type ExtractedPage } from './article-page/article-page.extractor';
import { decodeHtml, isHtml } from './article-page/html-decode';
import { withoutCredentials } from '../common/url-credentials';
import { FetchError, type FetchResult } from './fetcher';
import type { FetchRequest, FeedRunReport, IngestObserver, IngestRunReport } from './ingest.types';
import { clampFutureDate, FeedParseError, parseFeed } from './parser';
import { processedItems, type ProcessedItem } from './processor/feed.processor';
import { EntityDirectory } from './store/entity-directory';
import { IngestStore, type EntryBatches, type EntryToStore } from './store/ingest.store';

const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';
/** How long a claim on a source holds if its worker dies mid-run; renewed while a run makes progress. */
export const LEASE_SECONDS = 600;
export const MAX_ERROR_LENGTH = 1000;
/** Entries of one source feed kept apart from the next one's on equal dates (feed_item.position). */
const POSITIONS_PER_FEED = 100_000;
/** Pages fetched at once per run (the per-host limit applies on top). */
const PAGE_CONCURRENCY = 4;

/** What each run of a source works with: the service's settings, fetcher and repositories. */
export interface RunContext {
  config: AppConfig;
  db: SqlExecutor;
  logger: Logger;
  fetch(url: string, options: FetchRequest): Promise<FetchResult>;
  fetched: IngestObserver['fetched'];
  registry: SourceRegistryRepository;
  people: PersonRepository;
  sources: SourceRepository;
  writer: ArticleWriteRepository;
}

/** An extracted page whose dates were clamped to the time it was fetched, and the address it was fetched from (after redirects). */
type FetchedPage = ExtractedPage & { publishedAtClaimed: Date | null; fetchedUrl: string };

/** One run of one source: its source feeds, their pages and the store, sharing one entity directory. */
export class SourceRun {
  private directory: EntityDirectory | null = null;
  private lastProgressLog = 0;

  constructor(
    private readonly ctx: RunContext,
    private readonly source: SourceRecord,
    private readonly state: FetchStatusRecord,
    private readonly owner: string,
    private readonly report: IngestRunReport,
  ) {}

  /** Fetches, parses and stores one source feed; a fetch or parse failure is recorded on it, anything else thrown. */
  async feed(feed: SourceFeedRecord): Promise<{ retryAfter?: number }> {
    const outcome: FeedRunReport = { url: feed.url, outcome: 'failed', httpStatus: null, error: null, itemsSeen: 0 };
    this.report.feeds.push(outcome);
    try {
      const fetched = await this.ctx.fetch(feed.url, { etag: feed.etag, lastModified: feed.lastModified });
      this.ctx.fetched('feed', fetched.status === 'not-modified' ? 'not_modified' : 'ok');
      outcome.httpStatus = fetched.httpStatus;
      if (fetched.status === 'not-modified') {
        outcome.outcome = 'not-modified';
        await this.ctx.registry.recordFeed(feed.id, { httpStatus: 304, error: null });
        return {};
      }
      const items = await this.storeFeed(feed, fetched, outcome);
      outcome.outcome = 'stored';
      // Validators are saved only once the entries are stored: a run that dies before must not
      // make the next one receive 304 and skip what was never written.
      await this.ctx.registry.recordFeed(feed.id, {
        httpStatus: fetched.httpStatus,
        error: null,
        validators: { etag: fetched.headers.etag, lastModified: fetched.headers.lastModified },
        itemsSeen: items,
      });
      return {};
    } catch (error) {
      if (!(error instanceof FetchError || error instanceof FeedParseError)) throw error;
      if (error instanceof FetchError) this.ctx.fetched('feed', error.code);
      outcome.error = describeFailure(error);
      outcome.httpStatus = error instanceof FetchError ? (error.httpStatus ?? null) : outcome.httpStatus;
      await this.ctx.registry.recordFeed(feed.id, { httpStatus: outcome.httpStatus, error: outcome.error });
      return { retryAfter: error instanceof FetchError ? error.retryAfter : undefined };
    }
  }

  /** Parses a fetched source feed, processes its entries and stores them; returns how many it had. */
  private async storeFeed(feed: SourceFeedRecord, fetched: Extract<FetchResult, { status: 'ok' }>, outcome: FeedRunReport): Promise<number> {
    const parsed = parseFeed(fetched.body, { contentType: fetched.headers.contentType ?? undefined, url: fetched.finalUrl });
    const items = processedItems(
      parsed,
      { id: this.source.dbId, language: this.source.language, timeZone: this.state.timeZone },
      { now: new Date(), firstPosition: (feed.position - 1) * POSITIONS_PER_FEED + 1 },
    );
    // Without article pages, each batch's items are processed while the batch before is written;
    // with them, the pages to fetch are chosen from the whole feed first.
    const entries = this.ctx.config.ingest.articlePages ? await this.entries([...items], feed.url) : new FeedEntryBatches(items, feed.url, parsed.entries.length);
    const directory = (this.directory ??= await EntityDirectory.load(this.ctx.people, this.ctx.sources));
    const store = new IngestStore(this.ctx.db, directory, this.ctx.writer);
    const stored = await store.store(this.source.dbId, entries, {
      batchSize: this.ctx.config.ingest.batchSize,
      onProgress: (done, total) => this.progress(feed.url, done, total),
    });
    const seen = Array.isArray(entries) ? entries.length : entries.made;
    outcome.itemsSeen = seen;
    this.report.itemsSeen += seen;
    this.report.articlesCreated += stored.articlesCreated;
    this.report.articlesUpdated += stored.articlesUpdated;
    this.report.articlesUnchanged += stored.articlesUnchanged;
    this.report.feedItemsWritten += stored.feedItemsWritten;
    this.report.peopleCreated += stored.peopleCreated;
    return seen;
  }

  /** Long runs say how far they are, and keep their claim on the source alive. */
  private progress(url: string, done: number, total: number): void {
    const now = Date.now();
    if (done < total && now - this.lastProgressLog < 5000) return;
    this.lastProgressLog = now;
    if (total > this.ctx.config.ingest.batchSize) this.ctx.logger.info({ sourceId: this.source.dbId, feed: url, stored: done, total }, 'ingest progress');
    void this.ctx.registry.extend(this.source.dbId, this.owner, LEASE_SECONDS).catch(() => undefined);
  }

  /**
   * Processed items as entries to store. With article pages on, each new item's page is fetched
   * and extracted (at most maxPagesPerRun per run; the rest wait as headlines for the next run),
   * and a stored article's page again only when the feed says the item was updated since.
   */
  private async entries(items: ProcessedItem[], feedUrl: string): Promise<EntryToStore[]> {
    const { articlePages, maxPagesPerRun } = this.ctx.config.ingest;
    const linked = items.filter((item) => item.url !== null);
    if (!articlePages || linked.length === 0) return items.map((item) => toEntry(item, null, 'feed', feedUrl));

    const stored = await this.ctx.writer.datesByUrl(this.ctx.db.manager, linked.map((item) => item.url!));
    const wanted = linked.filter((item) => {
      const existing = stored.get(item.url!);
      return !existing || (item.updatedAt !== null && item.updatedAt > existing.updatedAt);
    });
    const fetchNow = new Set(wanted.slice(0, maxPagesPerRun));
    const pages = await this.pages([...fetchNow]);
    return items.map((item) => {
      if (item.url === null) return toEntry(item, null, 'feed', feedUrl);
      if (fetchNow.has(item)) return toEntry(item, pages.get(item) ?? null, 'feed', feedUrl);
      // Over the page budget: a headline now, its article on a later run. Already stored and not
      // updated: the feed item keeps its article, which is not rewritten from the feed's shorter copy.
      return toEntry(item, null, 'headline', feedUrl);
    });
  }

  /** The items' pages, PAGE_CONCURRENCY at a time. */
  private async pages(items: ProcessedItem[]): Promise<Map<ProcessedItem, FetchedPage | null>> {
    const pages = new Map<ProcessedItem, FetchedPage | null>();
    const queue = [...items];
    await Promise.all(
      Array.from({ length: Math.min(PAGE_CONCURRENCY, queue.length) }, async () => {
        for (let item = queue.shift(); item; item = queue.shift()) pages.set(item, await this.page(item));
      }),
    );
    return pages;
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
      return {
        ...page,
        publishedAt: published.date,
        publishedAtClaimed: published.claimed,
        modifiedAt: clampFutureDate(page.modifiedAt, fetchedAt).date,
        fetchedUrl: fetched.finalUrl,
      };
    } catch (error) {
      // A page that cannot be had (gone, refused, too slow) leaves the feed's own copy of the article.
      if (error instanceof FetchError) this.ctx.fetched('page', error.code);
      this.ctx.logger.debug({ url: item.url, err: error }, 'article page not fetched');
      return null;
    }
  }
}

/** Items processed between pauses while a batch is being made: a batch being written meanwhile goes on between slices. */
const PROCESSED_PER_SLICE = 10;

/**
 * A feed's entries for the store (article pages off), a batch at a time: a batch's items are
 * processed when the store asks for it, which it does while it writes the batch before, a slice
 * at a time, so that the writes' statements go out between slices and Postgres works while the
 * items are processed. A 10,000-item feed processed whole before its first write spent a fifth of
 * its time so, with Postgres idle.
 */
class FeedEntryBatches implements EntryBatches {
  /** Entries made so far: the feed's items, once all are asked for. */
  made = 0;
  private finished = false;

  constructor(
    private readonly items: Iterator<ProcessedItem>,
    private readonly feedUrl: string,
    readonly total: number,
  ) {}

  async next(size: number): Promise<EntryToStore[] | null> {
    const batch: EntryToStore[] = [];
    while (!this.finished && batch.length < size) {
      const next = this.items.next();
      if (next.done) {
        this.finished = true;
        break;
      }
      batch.push(toEntry(next.value, null, 'feed', this.feedUrl));
      this.made++;
      if (batch.length % PROCESSED_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return batch.length > 0 ? batch : null;
  }
}

/**
 * A processed item (and its extracted page) as an entry for the store. The feed's copy and the
 * page's are merged: the longer body wins, feed metadata (title, authors, date) before the page's.
 * `fetchedFrom` (provenance) is the page when its body is taken, the feed otherwise, without credentials.
 */
export function toEntry(item: ProcessedItem, page: FetchedPage | null, mode: 'feed' | 'headline', feedUrl: string): EntryToStore {
  const entry: EntryToStore = {
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
  if (mode === 'headline' || item.url === null) return entry;
  const feedLength = textLength(item.paragraphs);
  const usePage = page !== null && page.paragraphs.length > 0 && textLength(page.paragraphs) >= feedLength;
  entry.url = page?.canonicalUrl ?? item.url;
  entry.article = {
    title: item.headline,
    // When the page gives the body, a feed body that was shorter is the article's summary.
    summary: item.summary ?? (usePage && feedLength > 0 && textLength(page.paragraphs) > feedLength ? item.paragraphs.join(' ') : null),
    paragraphs: usePage ? page.paragraphs : item.paragraphs,
    byline: item.byline ?? page?.byline ?? null,
    authorNames: item.authorNames.length > 0 ? item.authorNames : (page?.authorNames ?? []),
    fetchedFrom: withoutCredentials(usePage ? page.fetchedUrl : feedUrl) || null,
  };
  return entry;
}

function textLength(paragraphs: string[]): number {
  return paragraphs.reduce((sum, paragraph) => sum + paragraph.length, 0);
}

function describeFailure(error: FetchError | FeedParseError): string {
  const status = error instanceof FetchError && error.httpStatus ? ` (HTTP ${error.httpStatus})` : '';
  return `${error.code}${status}: ${error.message}`.slice(0, MAX_ERROR_LENGTH);
}
