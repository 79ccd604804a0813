import type { EntityManager } from 'typeorm';
import { dynamicSql, sql, writeRows, type SqlExecutor } from '../db/sql-executor';
import { SqlParams } from '../db/sql-params';
import { announceSql } from '../events/news-event.repository';
import { selectColumns, splitPrefixed } from '../db/column-selection';
import { keysetClauses, lateralPageSql, type KeysetColumn, type KeysetPage, type TimePositionIdKey } from '../db/keyset';
import { ARTICLE_TABLE, type ArticleRecord, type ArticleRelationSelection } from '../article/article.record';
import { articleConditions, languageTagCondition, textSearchCondition, type ArticleCriteria, type ArticleSearch } from '../article/article.repository';
import { SOURCE_TABLE, type SourceRecord } from '../source/source.record';
import { FEED_ITEM_TABLE, type FeedItemRecord } from './feed-item.record';

const FEED_ITEM_COLUMNS = FEED_ITEM_TABLE.selectList;

export interface FeedCriteria {
  sourceId?: string;
  /** Items of any of these sources. */
  sourceIds?: string[];
  /** BCP 47 tag, canonical: the item's language is it, extends it or is extended by it (languageTagCondition). */
  language?: string;
  /**
   * Only items whose article matches these article criteria (written by or mentioning a person,
   * …): the article list's own conditions (articleConditions), so both lists mean the same.
   */
  article?: ArticleCriteria;
  /**
   * Items whose headline matches the search (the same text search as articles, on the headline
   * lower-cased as search text is), or whose article matches it as an article search does (names
   * of people and outlets included). Items stay newest first: a feed is not ranked.
   */
  search?: ArticleSearch;
  /**
   * Each text once (EACH_TEXT_ONCE, feed_item.listed): an item linking to a copy of another article's text, or to
   * an article an earlier item already links to, is left out. Set by the service for every list
   * but an outlet's own sidebar.
   */
  eachTextOnce?: boolean;
}

/** A keyset page of feed items (Relay `last`/`before` read oldest-first from the cursor, then flipped by the caller). */
export type FeedPage = KeysetPage<TimePositionIdKey>;

/** Newest first; equal dates keep page order (position ascending), then id for a total order. */
const LATEST_FIRST: readonly KeysetColumn<TimePositionIdKey>[] = [
  { sql: 'f.published_at', descending: true, cast: 'timestamptz', value: (key) => key.publishedAt },
  { sql: 'f.position', descending: false, cast: 'int', value: (key) => key.position },
  { sql: 'f.id', descending: false, cast: 'uuid', value: (key) => key.id },
];

/**
 * What the sidebar statement fetches, from the client's selection: the fields selected on the
 * items, and on their sources and articles (null when that relation is not selected at all).
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

const BY_IDS = sql('feed_item_by_ids', `SELECT ${FEED_ITEM_COLUMNS} FROM feed_item f WHERE f.id = ANY($1::uuid[])`);

export class FeedItemRepository {
  constructor(private readonly db: SqlExecutor) {}

  async findByIds(ids: readonly string[]): Promise<FeedItemRecord[]> {
    return this.db.rows<FeedItemRecord>(BY_IDS, [ids]);
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
    const { keyset, orderBy } = keysetClauses(LATEST_FIRST, page, params);
    if (keyset) conditions.push(keyset);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const columns = [selectColumns(FEED_ITEM_TABLE.map, selection.item, '')];
    let from = 'feed_item f';
    if (selection.source) {
      columns.push(selectColumns(SOURCE_TABLE.map, selection.source, 'source.'));
      from += ' JOIN source s ON s.id = f.source_id';
    }
    if (selection.article) {
      columns.push(selectColumns(ARTICLE_TABLE.map, selection.article, 'article.'));
      from += ' LEFT JOIN article a ON a.id = f.article_id';
    }
    const text = `SELECT ${columns.join(', ')} FROM ${from} ${where} ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}`;
    const rows = await this.db.rows<Record<string, unknown>>(dynamicSql('feed_latest', text), params.values);
    const joined = selection.source !== null || selection.article !== null;
    return joined ? rows.map((row) => splitJoined(row, selection)) : (rows as unknown as FeedItemRecord[]);
  }

  async count(criteria: FeedCriteria): Promise<number> {
    const params = new SqlParams();
    const conditions = feedConditions(criteria, params);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const [row] = await this.db.rows<{ count: number }>(dynamicSql('feed_count', `SELECT count(*)::int AS count FROM feed_item f ${where}`), params.values);
    return row?.count ?? 0;
  }

  /**
   * Which of these feed items meet the criteria, by the list's own conditions (feedConditions):
   * a subscription's filter means what the same filter of latestFeed means.
   */
  async matchingIds(ids: readonly string[], criteria: FeedCriteria): Promise<Set<string>> {
    const params = new SqlParams();
    const conditions = [`f.id = ANY(${params.add(ids, 'uuid[]')})`, ...feedConditions(criteria, params)];
    const rows = await this.db.rows<{ id: string }>(dynamicSql('feed_item_matching', `SELECT f.id FROM feed_item f WHERE ${conditions.join(' AND ')}`), params.values);
    return new Set(rows.map((row) => row.id));
  }

  /** The same page of several sources' feeds in one statement (`sources { latestFeed }`). */
  async latestForSources(sourceIds: readonly string[], page: FeedPage): Promise<Array<FeedItemRecord & { parentId: string }>> {
    const params = new SqlParams();
    const text = lateralPageSql(sourceIds, params, (parentId) => {
      const conditions = [`f.source_id = ${parentId}`];
      const { keyset, orderBy } = keysetClauses(LATEST_FIRST, page, params);
      if (keyset) conditions.push(keyset);
      return `SELECT ${FEED_ITEM_COLUMNS} FROM feed_item f WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}`;
    });
    return this.db.rows<FeedItemRecord & { parentId: string }>(dynamicSql('feed_latest_by_source', text), params.values);
  }

  async countForSources(sourceIds: readonly string[]): Promise<Array<{ parentId: string; count: number }>> {
    const text = `SELECT k.parent_id AS "parentId", (SELECT count(*)::int FROM feed_item f WHERE f.source_id = k.parent_id) AS count
      FROM unnest($1::uuid[]) AS k(parent_id)`;
    return this.db.rows(dynamicSql('feed_count_by_source', text), [sourceIds]);
  }
}

/**
 * The sidebar's rows for the compiled read path (src/feed-item/feed-item.json-sql.ts): every column
 * of the list's items in order (the compiler adds the page's LIMIT, a literal so the plan is made
 * once), and the count of the whole list, with the same conditions and order as latest() and count().
 */
export function latestRowsSql(criteria: FeedCriteria, page: FeedPage, params: SqlParams): { select: string; count: string } {
  const conditions = feedConditions(criteria, params);
  const count = `SELECT count(*)::int FROM feed_item f${conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
  const { keyset, orderBy } = keysetClauses(LATEST_FIRST, page, params);
  if (keyset) conditions.push(keyset);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return { select: `SELECT f.* FROM feed_item f${where} ORDER BY ${orderBy}`, count };
}

export function feedConditions(criteria: FeedCriteria, params: SqlParams): string[] {
  const conditions: string[] = [];
  if (criteria.sourceId) conditions.push(`f.source_id = ${params.add(criteria.sourceId, 'uuid')}`);
  if (criteria.sourceIds) conditions.push(`f.source_id = ANY(${params.add(criteria.sourceIds, 'uuid[]')})`);
  if (criteria.language) conditions.push(languageTagCondition('f.language', criteria.language, params));
  if (criteria.article) {
    const articles = articleConditions(criteria.article, params);
    if (articles.length > 0) conditions.push(`f.article_id IN (SELECT a.id FROM article a WHERE ${articles.join(' AND ')})`);
  }
  if (criteria.search) {
    // Headlines are stored normalised (NFC, one line); lower() makes them the search text
    // normalizeForSearch would. No index serves this: the list is read newest first and stops
    // at its page, and the articles' side is one hashed lookup served by their GIN indexes (and,
    // when the query is a person's or outlet's name, by the mention and citation indexes).
    const headline = textSearchCondition(criteria.search, 'lower(f.headline)', params);
    const articles = articleConditions({ search: criteria.search }, params);
    conditions.push(`(${headline} OR f.article_id IN (SELECT a.id FROM article a WHERE ${articles.join(' AND ')}))`);
  }
  if (criteria.eachTextOnce) conditions.push(EACH_TEXT_ONCE);
  return conditions;
}

/**
 * Headlines, each text once: an item whose article is a copy of another's text is left out (the
 * canonical copy's item stands for it), and so is an item whose article an earlier item links to
 * (the same page in several outlets' feeds: the first listing stands); an item without an article
 * stays. Both are kept in `feed_item.listed` by triggers (migration 1796680000000-FeedItemListed),
 * so the sidebar across sources walks the partial index IDX_feed_item_listed_latest and counts it
 * index-only: no probe of another table per row (two probes a row cost the page a third more
 * Postgres CPU and its totalCount ten times more).
 */
const EACH_TEXT_ONCE = 'f.listed';

/** A joined row's `source.` and `article.` columns become records of their own beside the item. */
function splitJoined(row: Record<string, unknown>, selection: FeedSelection): FeedItemWithJoins {
  const { rest, parts } = splitPrefixed(row, JOINED);
  const record = rest as unknown as FeedItemWithJoins;
  if (selection.source) record.joinedSource = parts.source as unknown as SourceRecord;
  if (selection.article) record.joinedArticle = parts.article!.dbId ? (parts.article as unknown as ArticleRecord) : null;
  return record;
}

const JOINED = ['source', 'article'] as const;

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

// A fetch that lists items already linked to articles moves those articles' last fetch time
// (provenance, article_fetch), in the same statement: a re-poll costs no statement more for it.
// A data-modifying WITH must stand at the top of a statement: each statement below starts with it.
const FETCHED = `fetched AS (
   UPDATE article_fetch af SET last_fetched_at = now() FROM feed_item l
   WHERE l.source_id = $1 AND l.item_key = ANY($2::text[]) AND af.article_id = l.article_id AND af.last_fetched_at < now())`;

// A new item is inserted with `listed` as the triggers would set it (migration
// 1796680000000-FeedItemListed) when the batch's cluster rows and earlier items already say so:
// not listed when its article is a copy, or an item dated earlier links to the same article.
// The insert trigger then finds nothing to change, where otherwise it rewrote the row (and every
// index entry of it) of each copy. The triggers stay the authority: what this cannot see (items
// of the same statement, equal dates ordered by id) they settle.
const UPSERT = `INSERT INTO feed_item (source_id, item_key, headline, url, image_url, language, published_at, published_at_claimed, position, article_id, listed)
   SELECT $1, t.item_key, t.headline, t.url, t.image_url, t.language, t.published_at, t.published_at_claimed, t.position, t.article_id,
     t.article_id IS NULL OR (
       NOT EXISTS (SELECT 1 FROM article_cluster cp WHERE cp.article_id = t.article_id AND cp.canonical_id IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM feed_item fl WHERE fl.article_id = t.article_id AND fl.published_at < t.published_at))
   FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::int[], $10::uuid[])
     AS t(item_key, headline, url, image_url, language, published_at, published_at_claimed, position, article_id)
   ON CONFLICT (source_id, item_key) DO UPDATE SET headline = EXCLUDED.headline, url = EXCLUDED.url,
     image_url = EXCLUDED.image_url, language = EXCLUDED.language, published_at = EXCLUDED.published_at,
     published_at_claimed = EXCLUDED.published_at_claimed,
     position = EXCLUDED.position, article_id = COALESCE(EXCLUDED.article_id, feed_item.article_id)
   WHERE (feed_item.headline, feed_item.url, feed_item.image_url, feed_item.language, feed_item.published_at, feed_item.published_at_claimed, feed_item.position, feed_item.article_id)
     IS DISTINCT FROM (EXCLUDED.headline, EXCLUDED.url, EXCLUDED.image_url, EXCLUDED.language, EXCLUDED.published_at, EXCLUDED.published_at_claimed, EXCLUDED.position, COALESCE(EXCLUDED.article_id, feed_item.article_id))`;

const UPSERT_MANY = sql('feed_item_upsert_many', `WITH ${FETCHED} ${UPSERT} RETURNING id`);

/**
 * The same, announcing what it added (src/events/): the articles the batch created ($11, in the
 * order it stored them) and the feed items this statement inserted rather than updated (`xmax = 0`
 * tells them apart), in feed order. The call sits in the one row of an aggregate, so it runs once
 * and after every row is written, and the statement is a batch's last in its transaction.
 */
const UPSERT_MANY_ANNOUNCED = sql(
  'feed_item_upsert_many_announced',
  `WITH ${FETCHED}, written AS (${UPSERT} RETURNING id, position, xmax = 0 AS inserted)
   SELECT count(*)::int AS written, ${announceSql('$11::uuid[]', 'array_agg(id ORDER BY position, id) FILTER (WHERE inserted)')} AS announced FROM written`,
);

/**
 * Stores a source's feed items in one statement, idempotently: an item already stored unchanged
 * is not touched (its article's last fetch time is), and a link to an article, once made, is
 * never dropped by a later fetch that lacks it. Items with the same key in one batch (a feed listing a story twice) are stored once.
 * With `announce` (the ingest store), the same statement announces the feed items it inserted and
 * the batch's new articles as news events, in the batch's transaction. Returns the items written.
 */
export async function upsertFeedItems(manager: EntityManager, sourceId: string, items: FeedItemWrite[], announce?: { articleIds: readonly string[] }): Promise<number> {
  const unique = [...new Map(items.map((item) => [item.itemKey, item])).values()];
  if (unique.length === 0 && (announce?.articleIds.length ?? 0) === 0) return 0;
  const values = [
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
  ];
  if (!announce) return (await writeRows(manager, UPSERT_MANY, values)).length;
  const [row] = await writeRows<{ written: number }>(manager, UPSERT_MANY_ANNOUNCED, [...values, announce.articleIds]);
  return row?.written ?? 0;
}

/** When already-stored items of a source were first dated: an item its feed leaves undated keeps that date. */
export async function feedItemDatesByKey(manager: EntityManager, sourceId: string, keys: readonly string[]): Promise<Map<string, Date>> {
  if (keys.length === 0) return new Map();
  const rows = await writeRows<{ itemKey: string; publishedAt: Date }>(manager, DATES_BY_KEYS, [sourceId, keys]);
  return new Map(rows.map((row) => [row.itemKey, row.publishedAt]));
}

const DATES_BY_KEYS = sql(
  'feed_item_dates_by_keys',
  'SELECT item_key AS "itemKey", published_at AS "publishedAt" FROM feed_item WHERE source_id = $1 AND item_key = ANY($2::text[])',
);
