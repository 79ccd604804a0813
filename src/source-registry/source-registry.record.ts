import type { FetchState } from '../source/fetch-state';
import type { SourceKind } from '../source/source.entity';

/** A source to follow, as an admin gives it (addSource, `newsgate sources add`, OPML). */
export interface NewSource {
  name?: string | null;
  homepageUrl?: string | null;
  feedUrls?: string[] | null;
  language?: string | null;
  fetchIntervalMinutes?: number | null;
  timeZone?: string | null;
  country?: string | null;
  kind?: SourceKind | null;
}

/** What an admin changes on a source; absent fields stay as they are. */
export interface SourceChanges {
  name?: string | null;
  homepageUrl?: string | null;
  feedUrls?: string[] | null;
  language?: string | null;
  fetchIntervalMinutes?: number | null;
  timeZone?: string | null;
  paused?: boolean | null;
}

/** One source feed's last fetch. */
export interface FeedFetchStatusRecord {
  url: string;
  lastFetchedAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  itemsSeen: number;
}

/** A followed source's schedule and fetch history. */
export interface SourceFetchStatusRecord {
  state: FetchState;
  intervalMinutes: number;
  timeZone: string | null;
  lastFetchedAt: Date | null;
  lastFetchAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  nextRunAt: Date;
  consecutiveFailures: number;
  itemsSeen: number;
  itemsSeenTotal: number;
  running: boolean;
  feeds: FeedFetchStatusRecord[];
}
