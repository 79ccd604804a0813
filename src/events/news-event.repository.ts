import { sql, type SqlExecutor } from '../db/sql-executor';

/** What was added: new feed items (headlines) or new articles. */
export type NewsEventKind = 'feedItemAdded' | 'articlePublished';

export const NEWS_EVENT_KINDS: readonly NewsEventKind[] = ['feedItemAdded', 'articlePublished'];

/**
 * One announcement: the database ids of feed items or articles one transaction stored, in the
 * order it stored them, numbered in commit order (`seq`). A batch adds one per kind, or more when
 * it adds more than 150 rows of a kind.
 */
export interface NewsEvent {
  readonly seq: number;
  readonly kind: NewsEventKind;
  readonly ids: readonly string[];
}

/** The channel news_event_announce() sends each event on, as the JSON of a NewsEvent. */
export const NEWS_EVENTS_CHANNEL = 'newsgate_news_events';

/**
 * The SQL call that announces a batch, for the batch's last statement (the store's feed item
 * upsert): article ids first, then feed item ids, each an SQL expression of type uuid[] (null or
 * empty when there is none). It must come last in its transaction: from then until the commit
 * the transaction holds the lock that keeps numbers in commit order (see the migration
 * NewsEvents), and a lock taken earlier could wait on rows another batch holds while that batch
 * waits for the lock.
 */
export function announceSql(articleIds: string, feedItemIds: string): string {
  return `news_event_announce(${articleIds}, ${feedItemIds})`;
}

const LATEST = sql('news_event_latest', 'SELECT coalesce(max(seq), 0)::text AS seq FROM news_event');
const AFTER = sql('news_event_after', 'SELECT seq::text AS seq, kind, ids FROM news_event WHERE seq > $1 ORDER BY seq LIMIT $2');

/** Reads of the event log (the writes are news_event_announce(), in the store's statement). */
export class NewsEventRepository {
  constructor(private readonly db: SqlExecutor) {}

  /** The number of the last event committed, 0 when there is none. */
  async latestSeq(): Promise<number> {
    const [row] = await this.db.rows<{ seq: string }>(LATEST);
    return Number(row?.seq ?? 0);
  }

  /** Up to `limit` events after `seq`, in order. */
  async after(seq: number, limit: number): Promise<NewsEvent[]> {
    const rows = await this.db.rows<{ seq: string; kind: NewsEventKind; ids: string[] }>(AFTER, [seq, limit]);
    return rows.map((row) => ({ seq: Number(row.seq), kind: row.kind, ids: row.ids }));
  }
}
