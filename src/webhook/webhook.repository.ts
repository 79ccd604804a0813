import { dynamicSql, sql, type SqlExecutor } from '../db/sql-executor';
import { SqlParams } from '../db/sql-params';
import { keysetClauses, type KeysetColumn, type KeysetPage, type TimeIdKey } from '../db/keyset';
import { articleConditions, type ArticleCriteria } from '../article/article.repository';
import { feedConditions, type FeedCriteria } from '../feed-item/feed-item.repository';
import type { NewsEventKind } from '../events/news-event.repository';
import type { AttemptRecord, AttemptStatus, ClaimedDelivery, WebhookFilterRecord, WebhookRecord } from './webhook.record';

const WEBHOOK_COLUMNS = `w.id, w.api_key_id AS "apiKeyId", w.url, w.events, w.filter, w.secret, w.created_at AS "createdAt",
  w.failing_since AS "failingSince", w.disabled_at AS "disabledAt", w.disabled_reason AS "disabledReason"`;
const ATTEMPT_COLUMNS = `t.id, t.delivery_id AS "deliveryId", t.delivery_id AS "messageId", t.webhook_id AS "webhookId", d.type, t.attempt, t.at, t.status,
  t.response_status AS "responseStatus", t.duration_ms AS "durationMs", t.error`;

const INSERT = sql(
  'webhook_insert',
  `INSERT INTO webhook AS w (api_key_id, url, events, filter, secret) VALUES ($1, $2, $3, $4, $5) RETURNING ${WEBHOOK_COLUMNS}`,
);
const BY_ID = sql('webhook_by_id', `SELECT ${WEBHOOK_COLUMNS} FROM webhook w WHERE w.id = $1`);
const DELETE = sql('webhook_delete', `DELETE FROM webhook w WHERE w.id = $1 RETURNING ${WEBHOOK_COLUMNS}`);
const COUNT_OF_KEY = sql('webhook_count_of_key', 'SELECT count(*)::int AS count FROM webhook WHERE api_key_id = $1');
const ANY_ENABLED = sql('webhook_any_enabled', 'SELECT EXISTS (SELECT 1 FROM webhook WHERE disabled_at IS NULL) AS "any"');
// A revoked key's webhooks get nothing more (the key's deletion deletes them).
const ACTIVE_FOR = sql(
  'webhook_active_for',
  `SELECT ${WEBHOOK_COLUMNS} FROM webhook w LEFT JOIN api_key k ON k.id = w.api_key_id
   WHERE w.disabled_at IS NULL AND $1 = ANY(w.events) AND (w.api_key_id IS NULL OR k.revoked_at IS NULL) ORDER BY w.created_at, w.id`,
);

/** What a `feed_item.added` message carries: the item with its source and article (ids are database ids here). */
const FEED_ITEM_DATA = sql(
  'webhook_feed_item_data',
  `SELECT f.id, f.headline, f.url, f.image_url AS "imageUrl", f.language, f.published_at AS "publishedAt",
     s.id AS "sourceId", s.slug AS "sourceSlug", s.name AS "sourceName",
     a.id AS "articleId", a.title AS "articleTitle", a.url AS "articleUrl", a.slug AS "articleSlug"
   FROM feed_item f JOIN source s ON s.id = f.source_id LEFT JOIN article a ON a.id = f.article_id
   WHERE f.id = ANY($1::uuid[])`,
);
const ARTICLE_DATA = sql(
  'webhook_article_data',
  `SELECT a.id, a.title, a.url, a.slug, a.summary, a.image_url AS "imageUrl", a.language, a.published_at AS "publishedAt",
     s.id AS "sourceId", s.slug AS "sourceSlug", s.name AS "sourceName"
   FROM article a JOIN source s ON s.id = a.source_id WHERE a.id = ANY($1::uuid[])`,
);

// One message per webhook and event subject, whoever inserts it first: the others insert nothing
// and so enqueue nothing.
const INSERT_DELIVERIES = sql(
  'webhook_delivery_insert',
  `INSERT INTO webhook_delivery (webhook_id, event_key, type, body)
   SELECT $1, k, $2, b FROM unnest($3::text[], $4::text[]) AS m(k, b)
   ON CONFLICT (webhook_id, event_key) DO NOTHING RETURNING id`,
);

/**
 * Takes a message for one attempt: only while it is pending and due (a job that arrives twice, or
 * early, finds it leased or settled and does nothing). The lease lasts past the attempt's deadline,
 * so a process that died mid-attempt leaves it to be taken again.
 */
const CLAIM = sql(
  'webhook_delivery_claim',
  `UPDATE webhook_delivery d SET attempts = d.attempts + 1, next_attempt_at = now() + $2::int * interval '1 millisecond'
   FROM webhook w
   WHERE d.id = $1 AND w.id = d.webhook_id AND d.state = 'PENDING' AND d.next_attempt_at <= now() + interval '2 seconds'
   RETURNING d.id, d.webhook_id AS "webhookId", d.type, d.body, d.attempts AS attempt, d.created_at AS "createdAt",
     w.url, w.secret, w.disabled_at IS NOT NULL AS disabled, d.event_key LIKE 'test:%' AS test`,
);

const ATTEMPT_BY_ID = sql(
  'webhook_attempt_by_id',
  `SELECT ${ATTEMPT_COLUMNS} FROM webhook_delivery_attempt t JOIN webhook_delivery d ON d.id = t.delivery_id WHERE t.id = $1`,
);
const INSERT_ATTEMPT = sql(
  'webhook_attempt_insert',
  `WITH t AS (
     INSERT INTO webhook_delivery_attempt (delivery_id, webhook_id, attempt, at, status, response_status, duration_ms, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *)
   SELECT ${ATTEMPT_COLUMNS} FROM t JOIN webhook_delivery d ON d.id = t.delivery_id`,
);
/** Settles a message (SUCCEEDED or FAILED) or sets its next attempt. */
const SETTLE = sql(
  'webhook_delivery_settle',
  `UPDATE webhook_delivery SET state = $2::varchar, next_attempt_at = CASE WHEN $2::varchar = 'PENDING' THEN now() + $3::int * interval '1 millisecond' END WHERE id = $1`,
);
const DROP_PENDING = sql(
  'webhook_delivery_drop_pending',
  `UPDATE webhook_delivery SET state = 'FAILED', next_attempt_at = NULL WHERE webhook_id = $1 AND state = 'PENDING'`,
);
const HEALTHY = sql('webhook_healthy', 'UPDATE webhook SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL');
/**
 * A failure: the webhook fails since the failed message was created (so a message given up after
 * the window always disables its webhook with it), or since an earlier failure; failing for the
 * whole window disables it (once: the first disabling stays).
 */
const FAILED = sql(
  'webhook_failed',
  `UPDATE webhook SET failing_since = coalesce(failing_since, least($4::timestamptz, now())),
     disabled_at = CASE WHEN disabled_at IS NULL AND coalesce(failing_since, least($4::timestamptz, now())) <= now() - $2::int * interval '1 second' THEN now() ELSE disabled_at END,
     disabled_reason = CASE WHEN disabled_at IS NULL AND coalesce(failing_since, least($4::timestamptz, now())) <= now() - $2::int * interval '1 second' THEN $3::text ELSE disabled_reason END
   WHERE id = $1 RETURNING disabled_at IS NOT NULL AS disabled`,
);
const DUE = sql(
  'webhook_delivery_due',
  `SELECT id, greatest(0, (extract(epoch FROM next_attempt_at - now()) * 1000))::int AS "delayMs"
   FROM webhook_delivery WHERE state = 'PENDING' ORDER BY next_attempt_at LIMIT $1`,
);
// Pending messages long past their time that no attempt has claimed (a claim moves the time past
// the attempt's deadline): through IDX_webhook_delivery_pending.
const OVERDUE = sql(
  'webhook_delivery_overdue',
  `SELECT id FROM webhook_delivery WHERE state = 'PENDING' AND next_attempt_at < now() - $1::int * interval '1 second' ORDER BY next_attempt_at LIMIT $2`,
);

/** Newest first: (created_at, id) of webhooks, (at, id) of attempts, both descending. */
const NEWEST_WEBHOOKS: readonly KeysetColumn<TimeIdKey>[] = [
  { sql: 'w.created_at', descending: true, cast: 'timestamptz', value: (key) => key.publishedAt },
  { sql: 'w.id', descending: true, cast: 'uuid', value: (key) => key.id },
];
const NEWEST_ATTEMPTS: readonly KeysetColumn<TimeIdKey>[] = [
  { sql: 't.at', descending: true, cast: 'timestamptz', value: (key) => key.publishedAt },
  { sql: 't.id', descending: true, cast: 'uuid', value: (key) => key.id },
];

export interface WebhookInsert {
  apiKeyId: string | null;
  url: string;
  events: NewsEventKind[];
  filter: WebhookFilterRecord;
  secret: string;
}

export interface AttemptInsert {
  deliveryId: string;
  webhookId: string;
  attempt: number;
  at: Date;
  status: AttemptStatus;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

export interface FeedItemData {
  id: string;
  headline: string;
  url: string | null;
  imageUrl: string | null;
  language: string | null;
  publishedAt: Date;
  sourceId: string;
  sourceSlug: string;
  sourceName: string;
  articleId: string | null;
  articleTitle: string | null;
  articleUrl: string | null;
  articleSlug: string | null;
}

export interface ArticleData {
  id: string;
  title: string;
  url: string;
  slug: string;
  summary: string | null;
  imageUrl: string | null;
  language: string | null;
  publishedAt: Date;
  sourceId: string;
  sourceSlug: string;
  sourceName: string;
}

/** Webhooks, their messages and attempts: the only code that touches those tables. */
export class WebhookRepository {
  constructor(private readonly db: SqlExecutor) {}

  async insert(webhook: WebhookInsert): Promise<WebhookRecord> {
    const [row] = await this.db.rows<WebhookRecord>(INSERT, [webhook.apiKeyId, webhook.url, webhook.events, JSON.stringify(webhook.filter), webhook.secret]);
    return row!;
  }

  async findById(id: string): Promise<WebhookRecord | null> {
    const [row] = await this.db.rows<WebhookRecord>(BY_ID, [id]);
    return row ?? null;
  }

  async delete(id: string): Promise<WebhookRecord | null> {
    const [row] = await this.db.rows<WebhookRecord>(DELETE, [id]);
    return row ?? null;
  }

  async countOfKey(apiKeyId: string): Promise<number> {
    const [row] = await this.db.rows<{ count: number }>(COUNT_OF_KEY, [apiKeyId]);
    return row?.count ?? 0;
  }

  async anyEnabled(): Promise<boolean> {
    const [row] = await this.db.rows<{ any: boolean }>(ANY_ENABLED);
    return row?.any ?? false;
  }

  /** Enabled webhooks of live keys (or admins) that take this kind of event, oldest first. */
  activeFor(kind: NewsEventKind): Promise<WebhookRecord[]> {
    return this.db.rows<WebhookRecord>(ACTIVE_FOR, [kind]);
  }

  /** One keyset page of webhooks, newest first: a key's own (`apiKeyId`), or every one (`undefined`). */
  list(apiKeyId: string | undefined, page: KeysetPage<TimeIdKey>): Promise<WebhookRecord[]> {
    const params = new SqlParams();
    const conditions: string[] = [];
    if (apiKeyId !== undefined) conditions.push(`w.api_key_id = ${params.add(apiKeyId, 'uuid')}`);
    const { keyset, orderBy } = keysetClauses(NEWEST_WEBHOOKS, page, params);
    if (keyset) conditions.push(keyset);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const text = `SELECT ${WEBHOOK_COLUMNS} FROM webhook w ${where} ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}`;
    return this.db.rows<WebhookRecord>(dynamicSql('webhook_list', text), params.values);
  }

  async count(apiKeyId: string | undefined): Promise<number> {
    const text = `SELECT count(*)::int AS count FROM webhook w${apiKeyId === undefined ? '' : ' WHERE w.api_key_id = $1'}`;
    const [row] = await this.db.rows<{ count: number }>(dynamicSql('webhook_count', text), apiKeyId === undefined ? [] : [apiKeyId]);
    return row?.count ?? 0;
  }

  /** One keyset page of a webhook's attempts, newest first. */
  attempts(webhookId: string, page: KeysetPage<TimeIdKey>): Promise<AttemptRecord[]> {
    const params = new SqlParams();
    const conditions = [`t.webhook_id = ${params.add(webhookId, 'uuid')}`];
    const { keyset, orderBy } = keysetClauses(NEWEST_ATTEMPTS, page, params);
    if (keyset) conditions.push(keyset);
    const text = `SELECT ${ATTEMPT_COLUMNS} FROM webhook_delivery_attempt t JOIN webhook_delivery d ON d.id = t.delivery_id
      WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}`;
    return this.db.rows<AttemptRecord>(dynamicSql('webhook_attempts', text), params.values);
  }

  async countAttempts(webhookId: string): Promise<number> {
    const [row] = await this.db.rows<{ count: number }>(sql('webhook_attempt_count', 'SELECT count(*)::int AS count FROM webhook_delivery_attempt WHERE webhook_id = $1'), [webhookId]);
    return row?.count ?? 0;
  }

  async attemptById(id: string): Promise<AttemptRecord | null> {
    const [row] = await this.db.rows<AttemptRecord>(ATTEMPT_BY_ID, [id]);
    return row ?? null;
  }

  /** Which of these feed items match the criteria (the feeds' own conditions), in no particular order. */
  async matchingFeedItems(ids: readonly string[], criteria: FeedCriteria): Promise<Set<string>> {
    const params = new SqlParams();
    const conditions = [`f.id = ANY(${params.add(ids, 'uuid[]')})`, ...feedConditions(criteria, params)];
    const rows = await this.db.rows<{ id: string }>(dynamicSql('webhook_matching_feed_items', `SELECT f.id FROM feed_item f WHERE ${conditions.join(' AND ')}`), params.values);
    return new Set(rows.map((row) => row.id));
  }

  /** Which of these articles match the criteria (the article list's own conditions). */
  async matchingArticles(ids: readonly string[], criteria: ArticleCriteria): Promise<Set<string>> {
    const params = new SqlParams();
    const conditions = [`a.id = ANY(${params.add(ids, 'uuid[]')})`, ...articleConditions(criteria, params)];
    const rows = await this.db.rows<{ id: string }>(dynamicSql('webhook_matching_articles', `SELECT a.id FROM article a WHERE ${conditions.join(' AND ')}`), params.values);
    return new Set(rows.map((row) => row.id));
  }

  feedItemData(ids: readonly string[]): Promise<FeedItemData[]> {
    return this.db.rows<FeedItemData>(FEED_ITEM_DATA, [ids]);
  }

  articleData(ids: readonly string[]): Promise<ArticleData[]> {
    return this.db.rows<ArticleData>(ARTICLE_DATA, [ids]);
  }

  /** Inserts the messages not inserted yet (by this or another process); returns the ids of those it inserted. */
  async insertDeliveries(webhookId: string, type: string, messages: ReadonlyArray<{ eventKey: string; body: string }>): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(INSERT_DELIVERIES, [webhookId, type, messages.map((m) => m.eventKey), messages.map((m) => m.body)]);
    return rows.map((row) => row.id);
  }

  async claim(deliveryId: string, leaseMs: number): Promise<ClaimedDelivery | null> {
    const [row] = await this.db.rows<ClaimedDelivery>(CLAIM, [deliveryId, leaseMs]);
    return row ?? null;
  }

  async recordAttempt(attempt: AttemptInsert): Promise<AttemptRecord> {
    const [row] = await this.db.rows<AttemptRecord>(INSERT_ATTEMPT, [
      attempt.deliveryId,
      attempt.webhookId,
      attempt.attempt,
      attempt.at,
      attempt.status,
      attempt.responseStatus,
      attempt.durationMs,
      attempt.error,
    ]);
    return row!;
  }

  async settle(deliveryId: string, state: 'SUCCEEDED' | 'FAILED'): Promise<void> {
    await this.db.rows(SETTLE, [deliveryId, state, 0]);
  }

  async retryIn(deliveryId: string, delayMs: number): Promise<void> {
    await this.db.rows(SETTLE, [deliveryId, 'PENDING', delayMs]);
  }

  async markHealthy(webhookId: string): Promise<void> {
    await this.db.rows(HEALTHY, [webhookId]);
  }

  /** Records a failure; true when the webhook is (now) disabled, its pending messages then given up. */
  async markFailed(webhookId: string, windowSeconds: number, reason: string, messageCreatedAt: Date): Promise<boolean> {
    const [row] = await this.db.rows<{ disabled: boolean }>(FAILED, [webhookId, windowSeconds, reason, messageCreatedAt]);
    if (row?.disabled) await this.db.rows(DROP_PENDING, [webhookId]);
    return row?.disabled ?? false;
  }

  /** Pending messages more than `seconds` past their time, the oldest first. */
  async overdue(seconds: number, limit: number): Promise<string[]> {
    return (await this.db.rows<{ id: string }>(OVERDUE, [seconds, limit])).map((row) => row.id);
  }

  /** Pending messages, soonest first, with how long until each is due (what a starting dispatcher enqueues). */
  due(limit: number): Promise<Array<{ id: string; delayMs: number }>> {
    return this.db.rows(DUE, [limit]);
  }
}
