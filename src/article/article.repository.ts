import { dynamicSql, sql, type SqlExecutor } from '../db/sql-executor';
import { SqlParams } from '../db/sql-params';
import { jsonObject, selectColumns } from '../db/column-selection';
import { keysetClauses, lateralPageSql, type KeysetColumn, type KeysetPage, type RankedTimeIdKey } from '../db/keyset';
import { PERSON_COLUMNS, PERSON_MAP } from '../person/person.repository';
import { PersonRole, type PersonRecord } from '../person/person.record';
import { SOURCE_COLUMNS, SOURCE_MAP } from '../source/source.repository';
import { SOURCE_TABLE, type SourceRecord } from '../source/source.record';
import { languageTagPrefixes } from '../text/language';
import { ARTICLE_TABLE, ArticleOrder, type ArticleRecord, type MentionRecord, type ProvenanceRecord, type RevisionRecord } from './article.record';

const ARTICLE_COLUMNS = ARTICLE_TABLE.selectList;

/** Search terms prepared by the service with the same normalisation stored text went through. */
export interface ArticleSearch {
  /** Normalised query text, for trigram word similarity. */
  text: string;
  /** A to_tsquery expression of prefix terms, or null when the query has no word characters. */
  tsquery: string | null;
  /**
   * A LIKE pattern (`%`, `_` and backslash escaped) for queries in scripts written without spaces
   * (Chinese, Japanese, Thai...), or null. Postgres takes a whole run of such text as one word,
   * so neither a word prefix nor trigram word similarity finds a word in the middle of it
   * (洪水 in 今天详细讨论了洪水问题); a substring match does.
   */
  substring: string | null;
  /**
   * The names the query can be (nameFormsOfQuery: `পুতিনের` is পুতিন's genitive), Greek final
   * sigma folded as foldNameSql folds the stored names; empty when it can be no name. An article
   * that mentions a person or cites an outlet called so matches, in whatever script it is written.
   */
  names: string[];
}

export interface ArticleCriteria {
  sourceIds?: string[];
  personIds?: string[];
  language?: string;
  publishedAfter?: Date;
  publishedBefore?: Date;
  search?: ArticleSearch;
  /**
   * Each text once: an article that is a copy of another's text (a syndicated or republished copy,
   * src/story) is left out, its canonical copy stands for it (`Article.duplicates` and
   * `Article.carriedBy` name the rest). Set by the service for every list not restricted to
   * outlets: what one outlet published includes its copies.
   */
  eachTextOnce?: boolean;
}

/**
 * A keyset page of articles in one of their orders. `ranked` (a search's list) puts the search
 * rank first: its key then carries the rank too (RankedTimeIdKey).
 */
export interface ArticlePage extends KeysetPage<RankedTimeIdKey> {
  order: ArticleOrder;
  ranked?: boolean;
}

/** Newest first: (published_at, id), both descending (reversed for OLDEST_FIRST); ranked: search_rank descending before them. */
function articleKeyset(order: ArticleOrder, ranked = false): readonly KeysetColumn<RankedTimeIdKey>[] {
  if (ranked) return order === ArticleOrder.NEWEST_FIRST ? RANKED_NEWEST_FIRST : RANKED_OLDEST_FIRST;
  return order === ArticleOrder.NEWEST_FIRST ? NEWEST_FIRST : OLDEST_FIRST;
}
const NEWEST_FIRST: readonly KeysetColumn<RankedTimeIdKey>[] = [
  { sql: 'a.published_at', descending: true, cast: 'timestamptz', value: (key) => key.publishedAt },
  { sql: 'a.id', descending: true, cast: 'uuid', value: (key) => key.id },
];
const OLDEST_FIRST = NEWEST_FIRST.map((column) => ({ ...column, descending: false }));
const RANK: KeysetColumn<RankedTimeIdKey> = { sql: 'a.search_rank', descending: true, cast: 'int', value: (key) => key.rank ?? 0 };
const RANKED_NEWEST_FIRST = [RANK, ...NEWEST_FIRST];
const RANKED_OLDEST_FIRST = [RANK, ...OLDEST_FIRST];

/** The relation a nested article list hangs from. */
export type ArticleParent = { kind: 'source' } | { kind: 'person'; role: PersonRole | null };

const BY_IDS = sql('article_by_ids', `SELECT ${ARTICLE_COLUMNS} FROM article a WHERE a.id = ANY($1::uuid[])`);
// A single article is looked up for an article page, which always shows its publisher: the
// source comes in the same statement (as a JSON object, so the row keeps the article's shape).
const WITH_SOURCE = `${ARTICLE_COLUMNS}, ${jsonObject(SOURCE_TABLE)} AS "joinedSource"`;
const BY_SLUG = sql('article_by_slug', `SELECT ${WITH_SOURCE} FROM article a JOIN source s ON s.id = a.source_id WHERE a.slug = $1`);
const BY_URL = sql('article_by_url', `SELECT ${WITH_SOURCE} FROM article a JOIN source s ON s.id = a.source_id WHERE a.url = $1`);
const AUTHORS_BY_ARTICLE_IDS = sql(
  'authors_by_article_ids',
  `SELECT l.article_id AS "articleId", ${PERSON_COLUMNS} FROM article_author l JOIN person p ON p.id = l.person_id
   WHERE l.article_id = ANY($1::uuid[]) ORDER BY l.article_id, l.position`,
);
const MENTIONS_BY_ARTICLE_IDS = sql(
  'mentions_by_article_ids',
  `SELECT l.article_id AS "articleId", l.count, ${PERSON_COLUMNS} FROM article_mention l JOIN person p ON p.id = l.person_id
   WHERE l.article_id = ANY($1::uuid[]) ORDER BY l.article_id, l.count DESC, p.name`,
);
const CITED_SOURCES_BY_ARTICLE_IDS = sql(
  'cited_sources_by_article_ids',
  `SELECT l.article_id AS "articleId", ${SOURCE_COLUMNS} FROM article_cited_source l JOIN source s ON s.id = l.source_id
   WHERE l.article_id = ANY($1::uuid[]) ORDER BY l.article_id, s.name`,
);

/** Revisions listed per article: the latest ones, oldest first (a publisher that rewrites a story at every poll cannot grow an answer without limit). */
const MAX_REVISIONS_LISTED = 100;

const PROVENANCE_BY_ARTICLE_IDS = sql(
  'provenance_by_article_ids',
  `SELECT a.id AS "articleId", a.created_at AS "firstSeenAt", f.last_fetched_at AS "lastFetchedAt", f.fetched_from AS "fetchedFrom",
     COALESCE((SELECT json_agg(json_build_object('at', r.at, 'contentHash', r.content_hash, 'changedFields', r.changed_fields) ORDER BY r.at, r.id)
       FROM (SELECT r.at, r.id, r.content_hash, r.changed_fields FROM article_revision r WHERE r.article_id = a.id ORDER BY r.at DESC, r.id DESC LIMIT ${MAX_REVISIONS_LISTED}) r), '[]') AS revisions
   FROM article a LEFT JOIN article_fetch f ON f.article_id = a.id WHERE a.id = ANY($1::uuid[])`,
);

export class ArticleRepository {
  constructor(private readonly db: SqlExecutor) {}

  async findByIds(ids: readonly string[]): Promise<ArticleRecord[]> {
    return this.db.rows<ArticleRecord>(BY_IDS, [ids]);
  }

  /** The article and, already loaded, its source. */
  async findBySlug(slug: string): Promise<{ article: ArticleRecord; source: SourceRecord } | null> {
    const [row] = await this.db.rows<ArticleWithSource>(BY_SLUG, [slug]);
    return row ? splitSource(row) : null;
  }

  async findByUrl(url: string): Promise<{ article: ArticleRecord; source: SourceRecord } | null> {
    const [row] = await this.db.rows<ArticleWithSource>(BY_URL, [url]);
    return row ? splitSource(row) : null;
  }

  /**
   * Authors of many articles, in byline order. With `fields`, only those Person columns are read
   * (a prefetch that knows its selection; the records then stay private to it).
   */
  async authorsByArticleIds(ids: readonly string[], fields: ReadonlySet<string> | 'all' = 'all'): Promise<Array<PersonRecord & { articleId: string }>> {
    const statement =
      fields === 'all'
        ? AUTHORS_BY_ARTICLE_IDS
        : dynamicSql(
            'authors_by_article_ids',
            `SELECT l.article_id AS "articleId", ${selectColumns(PERSON_MAP, fields, '')} FROM article_author l JOIN person p ON p.id = l.person_id
             WHERE l.article_id = ANY($1::uuid[]) ORDER BY l.article_id, l.position`,
          );
    return this.db.rows<PersonRecord & { articleId: string }>(statement, [ids]);
  }

  async mentionsByArticleIds(
    ids: readonly string[],
    personFields: ReadonlySet<string> | 'all' = 'all',
  ): Promise<Array<MentionRecord & { articleId: string }>> {
    const statement =
      personFields === 'all'
        ? MENTIONS_BY_ARTICLE_IDS
        : dynamicSql(
            'mentions_by_article_ids',
            `SELECT l.article_id AS "articleId", l.count, ${selectColumns(PERSON_MAP, personFields, '')} FROM article_mention l
             JOIN person p ON p.id = l.person_id WHERE l.article_id = ANY($1::uuid[]) ORDER BY l.article_id, l.count DESC, p.name`,
          );
    const rows = await this.db.rows<PersonRecord & { articleId: string; count: number }>(statement, [ids]);
    return rows.map(({ articleId, count, ...person }) => ({ articleId, count, person }));
  }

  async citedSourcesByArticleIds(ids: readonly string[], fields: ReadonlySet<string> | 'all' = 'all'): Promise<Array<SourceRecord & { articleId: string }>> {
    const statement =
      fields === 'all'
        ? CITED_SOURCES_BY_ARTICLE_IDS
        : dynamicSql(
            'cited_sources_by_article_ids',
            `SELECT l.article_id AS "articleId", ${selectColumns(SOURCE_MAP, fields, '')} FROM article_cited_source l
             JOIN source s ON s.id = l.source_id WHERE l.article_id = ANY($1::uuid[]) ORDER BY l.article_id, s.name`,
          );
    return this.db.rows<SourceRecord & { articleId: string }>(statement, [ids]);
  }

  /** Where and when each article was fetched, and its stored versions (the latest MAX_REVISIONS_LISTED, oldest first). */
  async provenanceByArticleIds(ids: readonly string[]): Promise<ProvenanceRecord[]> {
    const rows = await this.db.rows<Omit<ProvenanceRecord, 'revisions'> & { revisions: Array<Omit<RevisionRecord, 'at'> & { at: string }> }>(PROVENANCE_BY_ARTICLE_IDS, [ids]);
    return rows.map((row) => ({ ...row, revisions: row.revisions.map((revision) => ({ ...revision, at: new Date(revision.at) })) }));
  }

  /**
   * One keyset page of articles matching the criteria. A ranked page of a search reads the
   * matching articles with their search rank (searchRankSql) in a subquery, then pages them by
   * (rank, the order's columns), so the cursor carries the rank too.
   */
  async list(criteria: ArticleCriteria, page: ArticlePage): Promise<ArticleRecord[]> {
    const params = new SqlParams();
    const conditions = articleConditions(criteria, params);
    const ranked = page.ranked === true && criteria.search !== undefined;
    let from = 'article a';
    let columns = ARTICLE_COLUMNS;
    if (ranked) {
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      from = `(SELECT a.*, ${searchRankSql(criteria.search!, params)} AS search_rank FROM article a ${where}) a`;
      columns = `${ARTICLE_COLUMNS}, a.search_rank AS "searchRank"`;
      conditions.length = 0;
    }
    const { keyset, orderBy } = keysetClauses(articleKeyset(page.order, ranked), page, params);
    if (keyset) conditions.push(keyset);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const text = `SELECT ${columns} FROM ${from} ${where} ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}`;
    return this.db.rows<ArticleRecord>(dynamicSql('article_list', text), params.values);
  }

  async count(criteria: ArticleCriteria): Promise<number> {
    const params = new SqlParams();
    const conditions = articleConditions(criteria, params);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const [row] = await this.db.rows<{ count: number }>(dynamicSql('article_count', `SELECT count(*)::int AS count FROM article a ${where}`), params.values);
    return row?.count ?? 0;
  }

  /**
   * Which of these articles meet the criteria, by the list's own conditions (articleConditions):
   * a subscription's filter means what the same filter of `articles` means.
   */
  async matchingIds(ids: readonly string[], criteria: ArticleCriteria): Promise<Set<string>> {
    const params = new SqlParams();
    const conditions = [`a.id = ANY(${params.add(ids, 'uuid[]')})`, ...articleConditions(criteria, params)];
    const rows = await this.db.rows<{ id: string }>(dynamicSql('article_matching', `SELECT a.id FROM article a WHERE ${conditions.join(' AND ')}`), params.values);
    return new Set(rows.map((row) => row.id));
  }

  /**
   * The same page for many parents in one statement (a LATERAL join per parent id): what keeps
   * `sources { articles(first: 5) }` at one query however many sources are listed.
   */
  async listForParents(parent: ArticleParent, parentIds: readonly string[], page: ArticlePage): Promise<Array<ArticleRecord & { parentId: string }>> {
    const params = new SqlParams();
    const text = lateralPageSql(parentIds, params, (parentId) => {
      const conditions = [parentCondition(parent, parentId)];
      if (parent.kind === 'person') conditions.push(canonicalCopySql('a.id'));
      const { keyset, orderBy } = keysetClauses(articleKeyset(page.order), page, params);
      if (keyset) conditions.push(keyset);
      return `SELECT ${ARTICLE_COLUMNS} FROM article a WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}`;
    });
    return this.db.rows<ArticleRecord & { parentId: string }>(dynamicSql('article_list_by_parent', text), params.values);
  }

  async countForParents(parent: ArticleParent, parentIds: readonly string[]): Promise<Array<{ parentId: string; count: number }>> {
    const conditions = [parentCondition(parent, 'k.parent_id')];
    if (parent.kind === 'person') conditions.push(canonicalCopySql('a.id'));
    const text = `SELECT k.parent_id AS "parentId", (SELECT count(*)::int FROM article a WHERE ${conditions.join(' AND ')}) AS count
      FROM unnest($1::uuid[]) AS k(parent_id)`;
    return this.db.rows(dynamicSql('article_count_by_parent', text), [parentIds]);
  }
}

type ArticleWithSource = ArticleRecord & { joinedSource: SourceRecord };

function splitSource({ joinedSource, ...article }: ArticleWithSource): { article: ArticleRecord; source: SourceRecord } {
  return { article, source: joinedSource };
}

function parentCondition(parent: ArticleParent, parentId: string): string {
  if (parent.kind === 'source') return `a.source_id = ${parentId}`;
  const authored = `SELECT l.article_id FROM article_author l WHERE l.person_id = ${parentId}`;
  const mentioned = `SELECT l.article_id FROM article_mention l WHERE l.person_id = ${parentId}`;
  if (parent.role === PersonRole.AUTHOR) return `a.id IN (${authored})`;
  if (parent.role === PersonRole.MENTIONED) return `a.id IN (${mentioned})`;
  return `a.id IN (${authored} UNION ${mentioned})`;
}

/**
 * The WHERE conditions of an article list, on `article a`: also what other lists filter by
 * articles with (the feed items of src/feed-item, through `f.article_id IN (SELECT a.id FROM
 * article a WHERE …)`), so there is one definition of "by these people" and "matches this search".
 */
export function articleConditions(criteria: ArticleCriteria, params: SqlParams): string[] {
  const conditions: string[] = [];
  if (criteria.sourceIds) conditions.push(`a.source_id = ANY(${params.add(criteria.sourceIds, 'uuid[]')})`);
  if (criteria.personIds) {
    const ids = params.add(criteria.personIds, 'uuid[]');
    conditions.push(
      `a.id IN (SELECT l.article_id FROM article_author l WHERE l.person_id = ANY(${ids})
        UNION SELECT l.article_id FROM article_mention l WHERE l.person_id = ANY(${ids}))`,
    );
  }
  if (criteria.language) conditions.push(languageTagCondition('a.language', criteria.language, params));
  if (criteria.publishedAfter) conditions.push(`a.published_at >= ${params.add(criteria.publishedAfter, 'timestamptz')}`);
  if (criteria.publishedBefore) conditions.push(`a.published_at < ${params.add(criteria.publishedBefore, 'timestamptz')}`);
  if (criteria.search) {
    const text = textSearchCondition(criteria.search, 'a.search_text', params);
    conditions.push(criteria.search.names.length > 0 ? `(${text} OR a.id = ANY(${namedArticlesSql(criteria.search.names, params)}))` : text);
  }
  if (criteria.eachTextOnce) conditions.push(canonicalCopySql('a.id'));
  return conditions;
}

/**
 * The article whose id is `id` is its text's canonical copy, or the copy of no other (article_cluster
 * has no canonical_id for it): what lists that show each text once keep. One probe per row of the
 * partial index of copies (IDX_article_cluster_copy), so a list still walks its own index in order
 * and stops at its page's end.
 */
function canonicalCopySql(id: string): string {
  return `NOT EXISTS (SELECT 1 FROM article_cluster cp WHERE cp.article_id = ${id} AND cp.canonical_id IS NOT NULL)`;
}

/**
 * A stored name or alias as the query's name forms are compared with it: lower case (as
 * normalizeForSearch; stored names are NFC already) with Greek final sigma folded, the one
 * letter Postgres's lower() and JavaScript's toLowerCase() write differently.
 */
function foldNameSql(name: string): string {
  return `translate(lower(${name}), 'ς', 'σ')`;
}

/**
 * The ids of the articles that mention a person, or cite an outlet, whose name or one of whose
 * aliases is one of `names`, as one array (an InitPlan: run once per statement, then a lookup by
 * primary key). The names are compared with every person's and outlet's (a scan of those tables,
 * which are small beside the articles: 2,000 people take about 2 ms); the link tables are read
 * by their person and outlet indexes, and no article body is read for this.
 */
function namedArticlesSql(names: string[], params: SqlParams): string {
  const forms = params.add(names, 'text[]');
  const named = (table: string) =>
    `SELECT e.id FROM ${table} e WHERE EXISTS (SELECT 1 FROM unnest(array_prepend(e.name, e.aliases)) n(name) WHERE ${foldNameSql('n.name')} = ANY(${forms}))`;
  // `= ANY(ARRAY(…))` rather than `IN (…)`: the ids come first, then the link tables are read
  // through their (person_id, article_id) and (source_id, article_id) indexes, never scanned.
  return `ARRAY(SELECT nm.article_id FROM article_mention nm WHERE nm.person_id = ANY(ARRAY(${named('person')}))
    UNION SELECT nc.article_id FROM article_cited_source nc WHERE nc.source_id = ANY(ARRAY(${named('source')})))`;
}

/**
 * A search's rank of an article (`a`), higher first: 1 when the title matches the search (the same
 * text search as the body's, on the title lower-cased) or the article mentions or cites an entity
 * the query names; 0 when only the summary or body matches. Equal ranks keep the list's order.
 */
function searchRankSql(search: ArticleSearch, params: SqlParams): string {
  const strong = [textSearchCondition(search, 'lower(a.title)', params)];
  if (search.names.length > 0) strong.push(`a.id = ANY(${namedArticlesSql(search.names, params)})`);
  return `(CASE WHEN ${strong.join(' OR ')} THEN 1 ELSE 0 END)`;
}

/**
 * Whether the BCP 47 tag in `column` answers a language filter (languageTagMatches in
 * src/text/language.ts): the same tag, a tag that extends the filter (`bn` finds `bn-BD`), or one
 * the filter extends (`zh-Hans` finds `zh`), whole subtags only and in any case. A canonical tag
 * holds only letters, digits and hyphens, so the LIKE pattern needs no escaping.
 */
export function languageTagCondition(column: string, tag: string, params: SqlParams): string {
  const prefixes = languageTagPrefixes(tag);
  return `(lower(${column}) = ANY(${params.add(prefixes, 'text[]')}) OR lower(${column}) LIKE ${params.add(`${prefixes[0] ?? ''}-%`)})`;
}

/**
 * Whether the text `column` holds (an SQL expression of text normalised as normalizeForSearch
 * does) matches the search: a word-prefix full-text match ('simple': no stemming for any
 * language) or trigram word similarity (threshold set per connection, see data-source.ts), both
 * served by GIN indexes on `article.search_text`; for unspaced scripts also a substring match
 * (the trigram index serves LIKE too). Feed headlines are matched by the same function.
 */
export function textSearchCondition(search: ArticleSearch, column: string, params: SqlParams): string {
  const alternatives = [`${params.add(search.text)} <% ${column}`];
  if (search.tsquery) {
    alternatives.unshift(`to_tsvector('simple'::regconfig, ${column}) @@ to_tsquery('simple'::regconfig, ${params.add(search.tsquery)})`);
  }
  if (search.substring) alternatives.push(`${column} LIKE ${params.add(search.substring)}`);
  return `(${alternatives.join(' OR ')})`;
}
