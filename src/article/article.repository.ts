import { dynamicSql, sql, type SqlExecutor } from '../db/sql-executor';
import { SqlParams } from '../db/sql-params';
import type { TimeIdKey } from '../graphql/relay/cursor';
import { asNode, nodePrototype } from '../graphql/relay/global-id';
import { selectColumns } from '../db/column-selection';
import { PERSON_COLUMNS, PERSON_MAP, toPersonRecord } from '../person/person.repository';
import type { PersonRecord } from '../person/person.types';
import { SOURCE_COLUMNS, SOURCE_MAP, toSourceRecord } from '../source/source.repository';
import type { SourceRecord } from '../source/source.types';
import { ArticleOrder, type ArticleRecord } from './article.types';
import { PersonRole } from '../person/person.types';

export const ARTICLE_COLUMNS = `a.id AS "dbId", a.source_id AS "sourceId", a.slug, a.url, a.title, a.summary,
  a.paragraphs, a.language, a.published_at AS "publishedAt", a.updated_at AS "updatedAt",
  a.image_url AS "imageUrl", a.byline`;

type ArticleRow = Omit<ArticleRecord, '__typename' | 'id'>;

const ARTICLE_PROTOTYPE = nodePrototype('Article');

/** A row becomes the read model in place: no copy, and the global id only when selected. */
export function toArticleRecord(row: ArticleRow): ArticleRecord {
  return asNode<ArticleRecord>(row, ARTICLE_PROTOTYPE);
}

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
}

export interface ArticleCriteria {
  sourceIds?: string[];
  personIds?: string[];
  language?: string;
  publishedAfter?: Date;
  publishedBefore?: Date;
  search?: ArticleSearch;
}

export interface ArticlePage {
  limit: number;
  order: ArticleOrder;
  /** Read against the order (Relay `last`/`before`). */
  backward: boolean;
  after: TimeIdKey | null;
}

/** The relation a nested article list hangs from. */
export type ArticleParent = { kind: 'source' } | { kind: 'person'; role: PersonRole | null };

const BY_IDS = sql('article_by_ids', `SELECT ${ARTICLE_COLUMNS} FROM article a WHERE a.id = ANY($1::uuid[])`);
// A single article is looked up for an article page, which always shows its publisher: the
// source comes in the same statement (as a JSON object, so the row keeps the article's shape).
const WITH_SOURCE = `${ARTICLE_COLUMNS}, json_build_object('dbId', s.id, 'slug', s.slug, 'name', s.name, 'aliases', s.aliases,
  'homepageUrl', s.homepage_url, 'language', s.language, 'country', s.country, 'logoUrl', s.logo_url, 'kind', s.kind) AS "joinedSource"`;
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

export class ArticleRepository {
  constructor(private readonly db: SqlExecutor) {}

  async findByIds(ids: readonly string[]): Promise<ArticleRecord[]> {
    return (await this.db.rows<ArticleRow>(BY_IDS, [ids])).map(toArticleRecord);
  }

  /** The article and, already loaded, its source. */
  async findBySlug(slug: string): Promise<{ article: ArticleRecord; source: SourceRecord } | null> {
    const [row] = await this.db.rows<ArticleRow & { joinedSource: Parameters<typeof toSourceRecord>[0] }>(BY_SLUG, [slug]);
    return row ? splitSource(row) : null;
  }

  async findByUrl(url: string): Promise<{ article: ArticleRecord; source: SourceRecord } | null> {
    const [row] = await this.db.rows<ArticleRow & { joinedSource: Parameters<typeof toSourceRecord>[0] }>(BY_URL, [url]);
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
    const rows = await this.db.rows<Parameters<typeof toPersonRecord>[0] & { articleId: string }>(statement, [ids]);
    return rows.map((row) => toPersonRecord(row) as PersonRecord & { articleId: string });
  }

  async mentionsByArticleIds(
    ids: readonly string[],
    personFields: ReadonlySet<string> | 'all' = 'all',
  ): Promise<Array<{ articleId: string; count: number; person: PersonRecord }>> {
    const statement =
      personFields === 'all'
        ? MENTIONS_BY_ARTICLE_IDS
        : dynamicSql(
            'mentions_by_article_ids',
            `SELECT l.article_id AS "articleId", l.count, ${selectColumns(PERSON_MAP, personFields, '')} FROM article_mention l
             JOIN person p ON p.id = l.person_id WHERE l.article_id = ANY($1::uuid[]) ORDER BY l.article_id, l.count DESC, p.name`,
          );
    const rows = await this.db.rows<Parameters<typeof toPersonRecord>[0] & { articleId: string; count: number }>(statement, [ids]);
    return rows.map(({ articleId, count, ...person }) => ({ articleId, count, person: toPersonRecord(person) }));
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
    const rows = await this.db.rows<Parameters<typeof toSourceRecord>[0] & { articleId: string }>(statement, [ids]);
    return rows.map((row) => toSourceRecord(row) as SourceRecord & { articleId: string });
  }

  /** One keyset page of articles matching the criteria. */
  async list(criteria: ArticleCriteria, page: ArticlePage): Promise<ArticleRecord[]> {
    const params = new SqlParams();
    const conditions = criteriaConditions(criteria, params);
    const { keyset, orderBy } = keysetClauses(page, params);
    if (keyset) conditions.push(keyset);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const text = `SELECT ${ARTICLE_COLUMNS} FROM article a ${where} ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}`;
    return (await this.db.rows<ArticleRow>(dynamicSql('article_list', text), params.values)).map(toArticleRecord);
  }

  async count(criteria: ArticleCriteria): Promise<number> {
    const params = new SqlParams();
    const conditions = criteriaConditions(criteria, params);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const [row] = await this.db.rows<{ count: number }>(dynamicSql('article_count', `SELECT count(*)::int AS count FROM article a ${where}`), params.values);
    return row?.count ?? 0;
  }

  /**
   * The same page for many parents in one statement (a LATERAL join per parent id): what keeps
   * `sources { articles(first: 5) }` at one query however many sources are listed.
   */
  async listForParents(parent: ArticleParent, parentIds: readonly string[], page: ArticlePage): Promise<Array<ArticleRecord & { parentId: string }>> {
    const params = new SqlParams();
    const ids = params.add(parentIds, 'uuid[]');
    const conditions = [parentCondition(parent, 'k.parent_id')];
    const { keyset, orderBy } = keysetClauses(page, params);
    if (keyset) conditions.push(keyset);
    const text = `SELECT k.parent_id AS "parentId", x.* FROM unnest(${ids}) AS k(parent_id)
      CROSS JOIN LATERAL (SELECT ${ARTICLE_COLUMNS} FROM article a WHERE ${conditions.join(' AND ')}
        ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}) x`;
    const rows = await this.db.rows<ArticleRow & { parentId: string }>(dynamicSql('article_list_by_parent', text), params.values);
    return rows.map((row) => toArticleRecord(row) as ArticleRecord & { parentId: string });
  }

  async countForParents(parent: ArticleParent, parentIds: readonly string[]): Promise<Array<{ parentId: string; count: number }>> {
    const text = `SELECT k.parent_id AS "parentId", (SELECT count(*)::int FROM article a WHERE ${parentCondition(parent, 'k.parent_id')}) AS count
      FROM unnest($1::uuid[]) AS k(parent_id)`;
    return this.db.rows(dynamicSql('article_count_by_parent', text), [parentIds]);
  }
}

function splitSource({ joinedSource, ...row }: ArticleRow & { joinedSource: Parameters<typeof toSourceRecord>[0] }) {
  return { article: toArticleRecord(row), source: toSourceRecord(joinedSource) };
}

function parentCondition(parent: ArticleParent, parentId: string): string {
  if (parent.kind === 'source') return `a.source_id = ${parentId}`;
  const authored = `SELECT l.article_id FROM article_author l WHERE l.person_id = ${parentId}`;
  const mentioned = `SELECT l.article_id FROM article_mention l WHERE l.person_id = ${parentId}`;
  if (parent.role === PersonRole.AUTHOR) return `a.id IN (${authored})`;
  if (parent.role === PersonRole.MENTIONED) return `a.id IN (${mentioned})`;
  return `a.id IN (${authored} UNION ${mentioned})`;
}

function criteriaConditions(criteria: ArticleCriteria, params: SqlParams): string[] {
  const conditions: string[] = [];
  if (criteria.sourceIds) conditions.push(`a.source_id = ANY(${params.add(criteria.sourceIds, 'uuid[]')})`);
  if (criteria.personIds) {
    const ids = params.add(criteria.personIds, 'uuid[]');
    conditions.push(
      `a.id IN (SELECT l.article_id FROM article_author l WHERE l.person_id = ANY(${ids})
        UNION SELECT l.article_id FROM article_mention l WHERE l.person_id = ANY(${ids}))`,
    );
  }
  if (criteria.language) {
    conditions.push(`(a.language = ${params.add(criteria.language)} OR a.language LIKE ${params.add(`${criteria.language}-%`)})`);
  }
  if (criteria.publishedAfter) conditions.push(`a.published_at >= ${params.add(criteria.publishedAfter, 'timestamptz')}`);
  if (criteria.publishedBefore) conditions.push(`a.published_at < ${params.add(criteria.publishedBefore, 'timestamptz')}`);
  if (criteria.search) {
    // Word-prefix full-text match ('simple': no stemming for any language) or trigram word
    // similarity (threshold set per connection, see data-source.ts), both served by GIN indexes;
    // for unspaced scripts also a substring match (the trigram index serves LIKE too).
    const alternatives = [`${params.add(criteria.search.text)} <% a.search_text`];
    if (criteria.search.tsquery) {
      alternatives.unshift(`to_tsvector('simple'::regconfig, a.search_text) @@ to_tsquery('simple'::regconfig, ${params.add(criteria.search.tsquery)})`);
    }
    if (criteria.search.substring) alternatives.push(`a.search_text LIKE ${params.add(criteria.search.substring)}`);
    conditions.push(`(${alternatives.join(' OR ')})`);
  }
  return conditions;
}

function keysetClauses(page: ArticlePage, params: SqlParams): { keyset: string | null; orderBy: string } {
  const descending = (page.order === ArticleOrder.NEWEST_FIRST) !== page.backward;
  const dir = descending ? 'DESC' : 'ASC';
  const keyset = page.after
    ? `(a.published_at, a.id) ${descending ? '<' : '>'} (${params.add(page.after.publishedAt, 'timestamptz')}, ${params.add(page.after.id, 'uuid')})`
    : null;
  return { keyset, orderBy: `a.published_at ${dir}, a.id ${dir}` };
}
