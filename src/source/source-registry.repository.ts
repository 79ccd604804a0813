import type { EntityManager } from 'typeorm';
import { sql, type SqlExecutor } from '../db/sql-executor';
import { FetchState } from './fetch-state';

/** A feed of a followed source, with its conditional-GET state and last outcome. */
export interface SourceFeedRecord {
  id: string;
  sourceId: string;
  url: string;
  position: number;
  etag: string | null;
  lastModified: string | null;
  lastFetchedAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  itemsSeen: number;
}

/** The schedule and history of a followed source. */
export interface FetchStatusRecord {
  sourceId: string;
  intervalMinutes: number;
  timeZone: string | null;
  state: FetchState;
  nextRunAt: Date;
  lastAttemptAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  consecutiveFailures: number;
  itemsSeen: number;
  itemsSeenTotal: number;
  leaseOwner: string | null;
  leaseUntil: Date | null;
}

const FEED_COLUMNS = `f.id, f.source_id AS "sourceId", f.url, f.position, f.etag, f.last_modified AS "lastModified",
  f.last_fetched_at AS "lastFetchedAt", f.last_status AS "lastStatus", f.last_error AS "lastError", f.items_seen AS "itemsSeen"`;

const STATE_COLUMNS = `s.source_id AS "sourceId", s.interval_minutes AS "intervalMinutes", s.time_zone AS "timeZone", s.state,
  s.next_run_at AS "nextRunAt", s.last_attempt_at AS "lastAttemptAt", s.last_success_at AS "lastSuccessAt",
  s.last_error AS "lastError", s.last_error_at AS "lastErrorAt", s.consecutive_failures AS "consecutiveFailures",
  s.items_seen AS "itemsSeen", s.items_seen_total AS "itemsSeenTotal", s.lease_owner AS "leaseOwner", s.lease_until AS "leaseUntil"`;

const FEEDS_BY_SOURCE_IDS = sql(
  'source_feeds_by_source_ids',
  `SELECT ${FEED_COLUMNS} FROM source_feed f WHERE f.source_id = ANY($1::uuid[]) ORDER BY f.source_id, f.position`,
);
const FEED_URLS = sql('source_feed_urls', 'SELECT url FROM source_feed');
const STATUS_BY_SOURCE_IDS = sql('source_fetch_state_by_ids', `SELECT ${STATE_COLUMNS} FROM source_fetch_state s WHERE s.source_id = ANY($1::uuid[])`);
const FOLLOWED = sql(
  'source_fetch_state_followed',
  `SELECT ${STATE_COLUMNS}, src.name, src.slug FROM source_fetch_state s JOIN source src ON src.id = s.source_id ORDER BY src.name, src.id`,
);
const DUE = sql(
  'source_fetch_state_due',
  `SELECT s.source_id AS "sourceId" FROM source_fetch_state s
   WHERE s.state = 'active' AND s.next_run_at <= now() AND (s.lease_until IS NULL OR s.lease_until < now())
   ORDER BY s.next_run_at LIMIT $1`,
);
// The claim: one statement, so two workers racing for a source cannot both win it.
const CLAIM = sql(
  'source_fetch_state_claim',
  `UPDATE source_fetch_state s SET lease_owner = $2, lease_until = now() + make_interval(secs => $3), last_attempt_at = now()
   WHERE s.source_id = $1 AND (s.lease_until IS NULL OR s.lease_until < now())
     AND (NOT $4 OR (s.state = 'active' AND s.next_run_at <= now()))
   RETURNING ${STATE_COLUMNS}`,
);
const EXTEND = sql(
  'source_fetch_state_extend',
  `UPDATE source_fetch_state SET lease_until = now() + make_interval(secs => $3) WHERE source_id = $1 AND lease_owner = $2 RETURNING source_id`,
);
const FINISH = sql(
  'source_fetch_state_finish',
  `UPDATE source_fetch_state SET lease_owner = NULL, lease_until = NULL, state = $3, next_run_at = $4,
     consecutive_failures = $5, last_error = $6, last_error_at = CASE WHEN $6::text IS NULL THEN last_error_at ELSE now() END,
     last_success_at = CASE WHEN $7 THEN now() ELSE last_success_at END,
     items_seen = CASE WHEN $7 THEN $8 ELSE items_seen END, items_seen_total = items_seen_total + $8, updated_at = now()
   WHERE source_id = $1 AND lease_owner = $2`,
);
const RECORD_FEED = sql(
  'source_feed_record',
  `UPDATE source_feed SET last_fetched_at = now(), last_status = $2, last_error = $3,
     etag = CASE WHEN $4 THEN $5 ELSE etag END, last_modified = CASE WHEN $4 THEN $6 ELSE last_modified END,
     items_seen = COALESCE($7, items_seen)
   WHERE id = $1`,
);

export interface FeedOutcome {
  httpStatus: number | null;
  error: string | null;
  /** Set after a 200: the validators to send next time (null clears them). */
  validators?: { etag: string | null; lastModified: string | null };
  itemsSeen?: number;
}

export interface RunOutcome {
  state: FetchState;
  nextRunAt: Date;
  consecutiveFailures: number;
  error: string | null;
  succeeded: boolean;
  itemsSeen: number;
}

export interface FollowSettings {
  intervalMinutes: number;
  timeZone: string | null;
  state?: FetchState;
}

/**
 * The registry of followed sources: their feeds, schedules and fetch history, and the lease that
 * keeps two workers from fetching one source at once.
 */
export class SourceRegistryRepository {
  constructor(private readonly db: SqlExecutor) {}

  async feedsBySourceIds(ids: readonly string[]): Promise<SourceFeedRecord[]> {
    return this.db.rows<SourceFeedRecord>(FEEDS_BY_SOURCE_IDS, [ids]);
  }

  async statusBySourceIds(ids: readonly string[]): Promise<FetchStatusRecord[]> {
    return this.db.rows<FetchStatusRecord>(STATUS_BY_SOURCE_IDS, [ids]);
  }

  /** Every followed source, alphabetically (the CLI's `sources list`, OPML export). */
  async followed(): Promise<Array<FetchStatusRecord & { name: string; slug: string }>> {
    return this.db.rows(FOLLOWED);
  }

  /** Every feed URL followed, by any source (OPML import skips these). */
  async followedFeedUrls(): Promise<Set<string>> {
    return new Set((await this.db.rows<{ url: string }>(FEED_URLS)).map((row) => row.url));
  }

  /** Active sources whose next run is due and that nobody is fetching, soonest first. */
  async dueSourceIds(limit: number): Promise<string[]> {
    return (await this.db.rows<{ sourceId: string }>(DUE, [limit])).map((row) => row.sourceId);
  }

  /**
   * Takes the source for `seconds`; null when another worker holds it, it is not followed, or
   * (with onlyIfDue, for scheduled jobs) it is paused or not due any more because a run just ended.
   */
  async claim(sourceId: string, owner: string, seconds: number, onlyIfDue = false): Promise<FetchStatusRecord | null> {
    const [row] = await this.db.rows<FetchStatusRecord>(CLAIM, [sourceId, owner, seconds, onlyIfDue]);
    return row ?? null;
  }

  /** Keeps a long run's claim alive; false when it was lost (expired and taken by another worker). */
  async extend(sourceId: string, owner: string, seconds: number): Promise<boolean> {
    return (await this.db.rows(EXTEND, [sourceId, owner, seconds])).length > 0;
  }

  async recordFeed(feedId: string, outcome: FeedOutcome): Promise<void> {
    await this.db.rows(RECORD_FEED, [
      feedId,
      outcome.httpStatus,
      outcome.error,
      outcome.validators !== undefined,
      outcome.validators?.etag ?? null,
      outcome.validators?.lastModified ?? null,
      outcome.itemsSeen ?? null,
    ]);
  }

  /** Ends a run: releases the claim and records how it went and when the next one is due. */
  async finish(sourceId: string, owner: string, outcome: RunOutcome): Promise<void> {
    await this.db.rows(FINISH, [
      sourceId,
      owner,
      outcome.state,
      outcome.nextRunAt,
      outcome.consecutiveFailures,
      outcome.error,
      outcome.succeeded,
      outcome.itemsSeen,
    ]);
  }
}

/** How a source is followed now, or null when it is not. */
export async function followSettings(manager: EntityManager, sourceId: string): Promise<FollowSettings | null> {
  const [row] = (await manager.query(
    'SELECT interval_minutes AS "intervalMinutes", time_zone AS "timeZone", state FROM source_fetch_state WHERE source_id = $1',
    [sourceId],
  )) as FollowSettings[];
  return row ?? null;
}

/** Starts following a source, or changes how it is followed. */
export async function upsertFollow(manager: EntityManager, sourceId: string, settings: FollowSettings): Promise<void> {
  await manager.query(
    `INSERT INTO source_fetch_state (source_id, interval_minutes, time_zone, state) VALUES ($1, $2, $3, $4)
     ON CONFLICT (source_id) DO UPDATE SET interval_minutes = EXCLUDED.interval_minutes, time_zone = EXCLUDED.time_zone,
       state = COALESCE($5::varchar, source_fetch_state.state), updated_at = now()`,
    [sourceId, settings.intervalMinutes, settings.timeZone, settings.state ?? FetchState.ACTIVE, settings.state ?? null],
  );
}

/** Paused or resumed by an admin; resuming clears the failure count and makes the source due now. */
export async function setFollowState(manager: EntityManager, sourceId: string, state: FetchState): Promise<void> {
  await manager.query(
    `UPDATE source_fetch_state SET state = $2::varchar, updated_at = now(),
       consecutive_failures = CASE WHEN $2::varchar = 'active' THEN 0 ELSE consecutive_failures END,
       next_run_at = CASE WHEN $2::varchar = 'active' AND state <> 'active' THEN now() ELSE next_run_at END
     WHERE source_id = $1`,
    [sourceId, state],
  );
}

/**
 * Makes the source's feeds exactly `urls`, in that order. Feeds that stay keep their conditional
 * GET state; the rest are removed.
 */
export async function replaceFeeds(manager: EntityManager, sourceId: string, urls: string[]): Promise<void> {
  await manager.query('DELETE FROM source_feed WHERE source_id = $1 AND NOT (url = ANY($2::text[]))', [sourceId, urls]);
  if (urls.length === 0) return;
  await manager.query(
    `INSERT INTO source_feed (source_id, url, position)
     SELECT $1, url, ord::smallint FROM unnest($2::text[]) WITH ORDINALITY AS t(url, ord)
     ON CONFLICT (source_id, url) DO UPDATE SET position = EXCLUDED.position`,
    [sourceId, urls],
  );
}

/** Stops following: feeds and schedule go, the source and what it published stay. */
export async function unfollow(manager: EntityManager, sourceId: string): Promise<void> {
  await manager.query('DELETE FROM source_feed WHERE source_id = $1', [sourceId]);
  await manager.query('DELETE FROM source_fetch_state WHERE source_id = $1', [sourceId]);
}
