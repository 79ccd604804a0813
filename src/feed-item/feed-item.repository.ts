import type { EntityManager } from 'typeorm';
import { dynamicSql, sql, type SqlExecutor } from '../db/sql-executor';
import { SqlParams } from '../db/sql-params';
import { toArticleRecord } from '../article/article.repository';
import type { ArticleRecord } from '../article/article.types';
import type { ArticleRelationSelection } from '../article/article.service';
import { SOURCE_MAP, toSourceRecord } from '../source/source.repository';
import { selectColumns, type ColumnMap } from '../db/column-selection';
import type { SourceRecord } from '../source/source.types';
import type { TimePositionIdKey } from '../graphql/relay/cursor';
import { asNode, nodePrototype } from '../graphql/relay/global-id';
import type { FeedItemRecord } from './feed-item.types';

const FEED_ITEM_COLUMNS = `f.id AS "dbId", f.source_id AS "sourceId", f.article_id AS "articleId", f.headline, f.url,
  f.image_url AS "imageUrl", f.language, f.published_at AS "publishedAt", f.position`;

type FeedItemRow = Omit<FeedItemRecord, '__typename' | 'id'>;

const FEED_ITEM_PROTOTYPE = nodePrototype('FeedItem');

/** A row becomes the read model in place: no copy, and the global id only when selected. */
export function toFeedItemRecord(row: FeedItemRow): FeedItemRecord {
  return asNode<FeedItemRecord>(row, FEED_ITEM_PROTOTYPE);
}

export interface FeedCriteria {
  sourceId?: string;
  language?: string;
}

export interface FeedPage {
  limit: number;
  /** Relay `last`/`before`: read oldest-first from the cursor, then flipped by the caller. */
  backward: boolean;
  after: TimePositionIdKey | null;
}

/**
 * What the sidebar statement fetches, from the client's selection: the GraphQL fields selected on
 * the items, and on their sources and articles (null when that relation is not selected at all).
 */
export interface FeedSelection {
  item: ReadonlySet<string>;
  source: ReadonlySet<string> | null;
  article: ReadonlySet<string> | null;
  /** What is selected of the articles' relations, prefetched for the whole page. */
  articleRelations: ArticleRelationSelection;
}

/**
 * A feed item with what was joined to it. `joinedArticle` is undefined when the article was not
 * fetched, and null when the item links to no article. Joined records hold only the selected
 * fields (see db/column-selection.ts).
 */
export type FeedItemWithJoins = FeedItemRecord & { joinedSource?: SourceRecord; joinedArticle?: ArticleRecord | null };

const FEED_ITEM_MAP: ColumnMap = {
  required: { dbId: 'f.id', sourceId: 'f.source_id', articleId: 'f.article_id', publishedAt: 'f.published_at', position: 'f.position' },
  optional: { headline: 'f.headline', url: 'f.url', imageUrl: 'f.image_url', language: 'f.language' },
};


const ARTICLE_MAP: ColumnMap = {
  required: { dbId: 'a.id', sourceId: 'a.source_id' },
  optional: {
    slug: 'a.slug',
    url: 'a.url',
    title: 'a.title',
    summary: 'a.summary',
    paragraphs: 'a.paragraphs',
    language: 'a.language',
    publishedAt: 'a.published_at',
    updatedAt: 'a.updated_at',
    imageUrl: 'a.image_url',
    byline: 'a.byline',
  },
};

const BY_IDS = sql('feed_item_by_ids', `SELECT ${FEED_ITEM_COLUMNS} FROM feed_item f WHERE f.id = ANY($1::uuid[])`);

export class FeedItemRepository {
  constructor(private readonly db: SqlExecutor) {}

  async findByIds(ids: readonly string[]): Promise<FeedItemRecord[]> {
    return (await this.db.rows<FeedItemRow>(BY_IDS, [ids])).map(toFeedItemRecord);
  }

  /**
   * The sidebar: newest first, page order kept for equal dates. The items' sources and linked
   * articles come in the same statement when the client selected them, and only the columns it
   * selected: the hottest query then needs one more statement (authors) instead of three, and
   * parses a few columns per row instead of thirty.
   */
  async latest(criteria: FeedCriteria, page: FeedPage, selection: FeedSelection): Promise<FeedItemWithJoins[]> {
    const params = new SqlParams();
    const conditions = feedConditions(criteria, params);
    const { keyset, orderBy } = keysetClauses(page, params);
    if (keyset) conditions.push(keyset);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const columns = [selectColumns(FEED_ITEM_MAP, selection.item, '')];
    let from = 'feed_item f';
    if (selection.source) {
      columns.push(selectColumns(SOURCE_MAP, selection.source, 'source.'));
      from += ' JOIN source s ON s.id = f.source_id';
    }
    if (selection.article) {
      columns.push(selectColumns(ARTICLE_MAP, selection.article, 'article.'));
      from += ' LEFT JOIN article a ON a.id = f.article_id';
    }
    const text = `SELECT ${columns.join(', ')} FROM ${from} ${where} ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}`;
    const rows = await this.db.rows<Record<string, unknown>>(dynamicSql('feed_latest', text), params.values);
    const joined = selection.source !== null || selection.article !== null;
    return rows.map((row) => (joined ? splitJoined(row, selection) : toFeedItemRecord(row as unknown as FeedItemRow)));
  }

  async count(criteria: FeedCriteria): Promise<number> {
    const params = new SqlParams();
    const conditions = feedConditions(criteria, params);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const [row] = await this.db.rows<{ count: number }>(dynamicSql('feed_count', `SELECT count(*)::int AS count FROM feed_item f ${where}`), params.values);
    return row?.count ?? 0;
  }

  /** The same page of several sources' feeds in one statement (`sources { latestFeed }`). */
  async latestForSources(sourceIds: readonly string[], page: FeedPage): Promise<Array<FeedItemRecord & { parentId: string }>> {
    const params = new SqlParams();
    const ids = params.add(sourceIds, 'uuid[]');
    const conditions = ['f.source_id = k.parent_id'];
    const { keyset, orderBy } = keysetClauses(page, params);
    if (keyset) conditions.push(keyset);
    const text = `SELECT k.parent_id AS "parentId", x.* FROM unnest(${ids}) AS k(parent_id)
      CROSS JOIN LATERAL (SELECT ${FEED_ITEM_COLUMNS} FROM feed_item f WHERE ${conditions.join(' AND ')}
        ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}) x`;
    const rows = await this.db.rows<FeedItemRow & { parentId: string }>(dynamicSql('feed_latest_by_source', text), params.values);
    return rows.map((row) => toFeedItemRecord(row) as FeedItemRecord & { parentId: string });
  }

  async countForSources(sourceIds: readonly string[]): Promise<Array<{ parentId: string; count: number }>> {
    const text = `SELECT k.parent_id AS "parentId", (SELECT count(*)::int FROM feed_item f WHERE f.source_id = k.parent_id) AS count
      FROM unnest($1::uuid[]) AS k(parent_id)`;
    return this.db.rows(dynamicSql('feed_count_by_source', text), [sourceIds]);
  }
}

function feedConditions(criteria: FeedCriteria, params: SqlParams): string[] {
  const conditions: string[] = [];
  if (criteria.sourceId) conditions.push(`f.source_id = ${params.add(criteria.sourceId, 'uuid')}`);
  if (criteria.language) {
    conditions.push(`(f.language = ${params.add(criteria.language)} OR f.language LIKE ${params.add(`${criteria.language}-%`)})`);
  }
  return conditions;
}

function keysetClauses(page: FeedPage, params: SqlParams): { keyset: string | null; orderBy: string } {
  // Forward: published_at DESC, position ASC, id ASC. Backward reverses every column.
  if (!page.after) {
    return { keyset: null, orderBy: page.backward ? 'f.published_at ASC, f.position DESC, f.id DESC' : 'f.published_at DESC, f.position ASC, f.id ASC' };
  }
  const at = params.add(page.after.publishedAt, 'timestamptz');
  const position = params.add(page.after.position, 'int');
  const id = params.add(page.after.id, 'uuid');
  // Row comparison cannot mix directions, so the keyset is spelled out.
  const keyset = page.backward
    ? `(f.published_at > ${at} OR (f.published_at = ${at} AND (f.position, f.id) < (${position}, ${id})))`
    : `(f.published_at < ${at} OR (f.published_at = ${at} AND (f.position, f.id) > (${position}, ${id})))`;
  return { keyset, orderBy: page.backward ? 'f.published_at ASC, f.position DESC, f.id DESC' : 'f.published_at DESC, f.position ASC, f.id ASC' };
}

function splitJoined(row: Record<string, unknown>, selection: FeedSelection): FeedItemWithJoins {
  const item: Record<string, unknown> = {};
  const article: Record<string, unknown> = {};
  const source: Record<string, unknown> = {};
  for (const key in row) {
    if (key.startsWith('article.')) article[key.slice(8)] = row[key];
    else if (key.startsWith('source.')) source[key.slice(7)] = row[key];
    else item[key] = row[key];
  }
  const record = toFeedItemRecord(item as unknown as FeedItemRow) as FeedItemWithJoins;
  if (selection.source) record.joinedSource = toSourceRecord(source as unknown as Parameters<typeof toSourceRecord>[0]);
  if (selection.article) {
    record.joinedArticle = article.dbId ? toArticleRecord(article as unknown as Parameters<typeof toArticleRecord>[0]) : null;
  }
  return record;
}

export interface FeedItemWrite {
  /** GUID or link, or a hash of headline and date when the feed gives neither. */
  itemKey: string;
  headline: string;
  url: string | null;
  imageUrl: string | null;
  language: string | null;
  publishedAt: Date;
  /** The feed's own date when publishedAt is the fetch time it was clamped to (ingest); null otherwise. */
  publishedAtClaimed?: Date | null;
  position: number;
  articleId: string | null;
}

const UPSERT_MANY = sql(
  'feed_item_upsert_many',
  `INSERT INTO feed_item (source_id, item_key, headline, url, image_url, language, published_at, published_at_claimed, position, article_id)
   SELECT $1, t.item_key, t.headline, t.url, t.image_url, t.language, t.published_at, t.published_at_claimed, t.position, t.article_id
   FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::int[], $10::uuid[])
     AS t(item_key, headline, url, image_url, language, published_at, published_at_claimed, position, article_id)
   ON CONFLICT (source_id, item_key) DO UPDATE SET headline = EXCLUDED.headline, url = EXCLUDED.url,
     image_url = EXCLUDED.image_url, language = EXCLUDED.language, published_at = EXCLUDED.published_at,
     published_at_claimed = EXCLUDED.published_at_claimed,
     position = EXCLUDED.position, article_id = COALESCE(EXCLUDED.article_id, feed_item.article_id)
   WHERE (feed_item.headline, feed_item.url, feed_item.image_url, feed_item.language, feed_item.published_at, feed_item.published_at_claimed, feed_item.position, feed_item.article_id)
     IS DISTINCT FROM (EXCLUDED.headline, EXCLUDED.url, EXCLUDED.image_url, EXCLUDED.language, EXCLUDED.published_at, EXCLUDED.published_at_claimed, EXCLUDED.position, COALESCE(EXCLUDED.article_id, feed_item.article_id))
   RETURNING id`,
);

/**
 * Stores a source's feed items in one statement, idempotently: an item already stored unchanged
 * is not touched, and a link to an article, once made, is never dropped by a later fetch that
 * lacks it. Items with the same key in one batch (a feed listing a story twice) are stored once.
 */
export async function upsertFeedItems(manager: EntityManager, sourceId: string, items: FeedItemWrite[]): Promise<number> {
  const unique = [...new Map(items.map((item) => [item.itemKey, item])).values()];
  if (unique.length === 0) return 0;
  const rows = (await manager.query(UPSERT_MANY.text, [
    sourceId,
    unique.map((i) => i.itemKey),
    unique.map((i) => i.headline),
    unique.map((i) => i.url),
    unique.map((i) => i.imageUrl),
    unique.map((i) => i.language),
    unique.map((i) => i.publishedAt),
    unique.map((i) => i.publishedAtClaimed ?? null),
    unique.map((i) => i.position),
    unique.map((i) => i.articleId),
  ])) as unknown[];
  return rows.length;
}

/** When already-stored items of a source were first dated: an item its feed leaves undated keeps that date. */
export async function feedItemDatesByKey(manager: EntityManager, sourceId: string, keys: readonly string[]): Promise<Map<string, Date>> {
  if (keys.length === 0) return new Map();
  const rows = (await manager.query(DATES_BY_KEYS.text, [sourceId, keys])) as Array<{ itemKey: string; publishedAt: Date }>;
  return new Map(rows.map((row) => [row.itemKey, row.publishedAt]));
}

const DATES_BY_KEYS = sql(
  'feed_item_dates_by_keys',
  'SELECT item_key AS "itemKey", published_at AS "publishedAt" FROM feed_item WHERE source_id = $1 AND item_key = ANY($2::text[])',
);
