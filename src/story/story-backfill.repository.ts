import type { EntityManager } from 'typeorm';
import { sql, writeRows, type SqlExecutor } from '../db/sql-executor';
import type { StoredArticle } from './story-write.repository';

/** Where a walk of the articles in publication order has got to: (published_at, id) of the last one handled. */
export interface BackfillCursor {
  publishedAt: Date;
  id: string;
}

/** Before the first article: every (published_at, id) is after it (the first day of year 1, which Postgres and JavaScript both hold). */
export const BACKFILL_START: BackfillCursor = { publishedAt: new Date('0001-01-01T00:00:00Z'), id: '00000000-0000-0000-0000-000000000000' };

// The next `$3` articles without a cluster row (stored before stories existed), oldest first after
// the cursor: IDX_article_published walked forward from the cursor, one probe of article_cluster's
// primary key per article, stopping at the batch's end.
const UNCLUSTERED = `SELECT a.id, a.published_at FROM article a
   WHERE (a.published_at, a.id) > ($1::timestamptz, $2::uuid) AND NOT EXISTS (SELECT 1 FROM article_cluster c WHERE c.article_id = a.id)
   ORDER BY a.published_at, a.id LIMIT $3`;

const COUNT_UNCLUSTERED = sql(
  'story_backfill_count',
  'SELECT count(*)::int AS count FROM article a WHERE NOT EXISTS (SELECT 1 FROM article_cluster c WHERE c.article_id = a.id)',
);

/**
 * A batch of unclustered articles loses the people's lookup keys the Stories migration gave them
 * (personKey in SQL, as src/text/fingerprint.ts documents; each deleted by story_key's whole
 * primary key), in one statement that returns the batch's last (published_at, id).
 */
const DROP_KEYS = sql(
  'story_backfill_drop_keys',
  `WITH batch AS (${UNCLUSTERED}),
   dropped AS (
     DELETE FROM story_key k USING batch b, article_mention m
     WHERE m.article_id = b.id AND k.key = ('x' || left(md5('p:' || m.person_id::text), 16))::bit(64)::bigint
       AND k.published_at = b.published_at AND k.article_id = b.id)
   SELECT count(*)::int AS count, max(b.published_at) AS "publishedAt", (array_agg(b.id ORDER BY b.published_at DESC, b.id DESC))[1] AS id FROM batch b`,
);

/** A batch of unclustered articles with what clustering compares (as a new article's write gives it). */
const READ_BATCH = sql(
  'story_backfill_batch',
  `SELECT a.id, a.url, a.source_id AS "sourceId", a.title, a.summary, a.paragraphs, a.published_at AS "publishedAt", a.content_hash AS "contentHash",
     COALESCE((SELECT json_agg(json_build_object('personId', m.person_id, 'count', m.count) ORDER BY m.person_id) FROM article_mention m WHERE m.article_id = a.id), '[]') AS mentions,
     ARRAY(SELECT x.source_id::text FROM article_cited_source x WHERE x.article_id = a.id ORDER BY x.source_id) AS "citedSourceIds"
   FROM (${UNCLUSTERED}) b JOIN article a ON a.id = b.id ORDER BY a.published_at, a.id`,
);

type BatchRow = StoredArticle['write'] & { id: string };

/** The reads and key removals of `newsgate stories backfill` (StoryBackfillService); clustering itself is StoryWriteRepository's. */
export class StoryBackfillRepository {
  constructor(private readonly db: SqlExecutor) {}

  /** How many articles have no cluster row. */
  async countUnclustered(): Promise<number> {
    const [row] = await this.db.rows<{ count: number }>(COUNT_UNCLUSTERED);
    return row?.count ?? 0;
  }

  /** Drops the people's lookup keys of the next `limit` unclustered articles after `after`; null when none is left. */
  async dropLookupKeys(manager: EntityManager, after: BackfillCursor, limit: number): Promise<{ count: number; last: BackfillCursor } | null> {
    const [row] = await writeRows<{ count: number; publishedAt: Date | null; id: string | null }>(manager, DROP_KEYS, [after.publishedAt, after.id, limit]);
    if (!row || row.count === 0) return null;
    return { count: row.count, last: { publishedAt: row.publishedAt!, id: row.id! } };
  }

  /** The next `limit` unclustered articles after `after`, oldest first, as clustering takes new ones. */
  async unclusteredBatch(manager: EntityManager, after: BackfillCursor, limit: number): Promise<StoredArticle[]> {
    const rows = await writeRows<BatchRow>(manager, READ_BATCH, [after.publishedAt, after.id, limit]);
    return rows.map(({ id, ...write }) => ({ id, write }));
  }
}
