import { keysetClauses, type KeysetColumn, type KeysetPage, type TimeIdKey } from '../db/keyset';
import { dynamicSql, sql, type SqlExecutor } from '../db/sql-executor';
import { SqlParams } from '../db/sql-params';
import type { SavedFeedInsert, SavedFeedRecord } from './saved-feed.record';

const COLUMNS = `s.id AS "dbId", s.owner_key_id AS "ownerKeyId", s.name, s.source_ids AS "sourceIds", s.person_ids AS "personIds",
  s.language, s.search, s.created_at AS "createdAt"`;

/** A saved feed and whether the key that owns it has been revoked (its feed is then no longer served). */
export type SavedFeedWithOwner = SavedFeedRecord & { ownerRevoked: boolean };

const BY_ID = sql(
  'saved_feed_by_id',
  `SELECT ${COLUMNS}, (k.revoked_at IS NOT NULL) AS "ownerRevoked" FROM saved_feed s LEFT JOIN api_key k ON k.id = s.owner_key_id WHERE s.id = $1`,
);
// One owner's creations run one at a time, so two at once cannot both pass the count.
const LOCK_OWNER = sql('saved_feed_lock_owner', `SELECT pg_advisory_xact_lock(hashtext('saved_feed:' || COALESCE($1::text, 'admin'))) IS NULL AS "locked"`);
const COUNT_OF_OWNER = sql('saved_feed_count_of_owner', `SELECT count(*)::int AS count FROM saved_feed WHERE owner_key_id IS NOT DISTINCT FROM $1::uuid`);
const INSERT = sql(
  'saved_feed_insert',
  `INSERT INTO saved_feed AS s (owner_key_id, name, source_ids, person_ids, language, search) VALUES ($1, $2, $3::uuid[], $4::uuid[], $5, $6)
   RETURNING ${COLUMNS}`,
);
const DELETE = sql('saved_feed_delete', `DELETE FROM saved_feed s WHERE s.id = $1 RETURNING ${COLUMNS}`);

/** Newest first, then id: `savedFeeds`' order. */
const NEWEST_FIRST: readonly KeysetColumn<TimeIdKey>[] = [
  { sql: 's.created_at', descending: true, cast: 'timestamptz', value: (key) => key.publishedAt },
  { sql: 's.id', descending: true, cast: 'uuid', value: (key) => key.id },
];

/** Whose feeds a list holds: one partner key's, or every feed (admins). */
export type SavedFeedOwnerScope = { ownerKeyId: string } | 'all';

export class SavedFeedRepository {
  constructor(private readonly db: SqlExecutor) {}

  async findById(id: string): Promise<SavedFeedWithOwner | null> {
    const [row] = await this.db.rows<SavedFeedWithOwner>(BY_ID, [id]);
    return row ?? null;
  }

  /**
   * Stores a feed unless its owner (a key, or the admins together) already has `max`: the count
   * and the insert run in one transaction under a lock of that owner. Null when over the limit.
   */
  async insertWithin(feed: SavedFeedInsert, max: number): Promise<SavedFeedRecord | null> {
    return this.db.transaction(async (manager) => {
      await this.db.rowsIn(manager, LOCK_OWNER, [feed.ownerKeyId]);
      const [counted] = await this.db.rowsIn<{ count: number }>(manager, COUNT_OF_OWNER, [feed.ownerKeyId]);
      if ((counted?.count ?? 0) >= max) return null;
      const [row] = await this.db.rowsIn<SavedFeedRecord>(manager, INSERT, [feed.ownerKeyId, feed.name, feed.sourceIds, feed.personIds, feed.language, feed.search]);
      return row!;
    });
  }

  async list(scope: SavedFeedOwnerScope, page: KeysetPage<TimeIdKey>): Promise<SavedFeedRecord[]> {
    const params = new SqlParams();
    const conditions = scope === 'all' ? [] : [`s.owner_key_id = ${params.add(scope.ownerKeyId, 'uuid')}`];
    const { keyset, orderBy } = keysetClauses(NEWEST_FIRST, page, params);
    if (keyset) conditions.push(keyset);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const text = `SELECT ${COLUMNS} FROM saved_feed s ${where} ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}`;
    return this.db.rows<SavedFeedRecord>(dynamicSql('saved_feed_list', text), params.values);
  }

  async count(scope: SavedFeedOwnerScope): Promise<number> {
    const params = new SqlParams();
    const where = scope === 'all' ? '' : `WHERE s.owner_key_id = ${params.add(scope.ownerKeyId, 'uuid')}`;
    const [row] = await this.db.rows<{ count: number }>(dynamicSql('saved_feed_count', `SELECT count(*)::int AS count FROM saved_feed s ${where}`), params.values);
    return row?.count ?? 0;
  }

  async delete(id: string): Promise<SavedFeedRecord | null> {
    const [row] = await this.db.rows<SavedFeedRecord>(DELETE, [id]);
    return row ?? null;
  }
}
