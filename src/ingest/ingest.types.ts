import type { BlockedAddressError, FetchOptions, FetchResult } from './fetcher';

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

/** Told what ingestion does as it does it (the metrics). Must not throw. */
export interface IngestObserver {
  /** A fetch of a feed or an article page ended: `ok`, `not_modified` or a FetchError code. */
  fetched(target: 'feed' | 'page', outcome: string): void;
  /** A run ended, whatever its outcome (busy and not-due included). */
  runFinished(report: IngestRunReport): void;
}

/** The fetches a caller may ask for: the options a deployment does not fix. */
export type FetchRequest = Pick<FetchOptions, 'etag' | 'lastModified' | 'accept' | 'allowTruncated'>;

/**
 * What the source registry asks of ingestion: fetches under the deployment's rules (feed
 * discovery), the address check for new feed URLs, and a run of a source now (refreshSource).
 */
export interface SourceIngest {
  fetch(url: string, options?: FetchRequest): Promise<FetchResult>;
  refusedAddress(url: string): Promise<BlockedAddressError | null>;
  runSource(sourceId: string, options?: RunOptions): Promise<IngestRunReport>;
}
