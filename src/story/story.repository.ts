import { ARTICLE_TABLE, type ArticleRecord } from '../article/article.record';
import { languageTagCondition } from '../article/article.repository';
import { dynamicSql, sql, type SqlExecutor } from '../db/sql-executor';
import { SqlParams } from '../db/sql-params';
import { keysetClauses, lateralPageSql, type KeysetColumn, type KeysetPage, type TimeIdKey } from '../db/keyset';
import type { ArticleClusterRecord, StoryCriteria, StoryFacetsRecord, StoryKey, StoryRecord } from './story.record';

const STORY_COLUMNS = `s.id AS "dbId", s.title, s.summary, s.first_published_at AS "firstPublishedAt", s.last_published_at AS "lastPublishedAt", s.article_count AS "articleCount"`;

const BY_IDS = sql('story_by_ids', `SELECT ${STORY_COLUMNS} FROM story s WHERE s.id = ANY($1::uuid[])`);

const CLUSTERS_BY_ARTICLE_IDS = sql(
  'article_cluster_by_article_ids',
  `SELECT c.article_id AS "articleId", c.story_id AS "storyId", c.canonical_id AS "canonicalId", c.why FROM article_cluster c WHERE c.article_id = ANY($1::uuid[])`,
);

/** The copies of each canonical article, earliest first. */
const DUPLICATES_BY_CANONICAL_IDS = sql(
  'article_duplicates_by_canonical_ids',
  `SELECT c.canonical_id AS "parentId", c.article_id AS "articleId" FROM article_cluster c
   WHERE c.canonical_id = ANY($1::uuid[]) ORDER BY c.canonical_id, c.published_at, c.article_id`,
);

/**
 * Every outlet that carried an article's text: the publishers of its canonical copy and of every
 * copy, and the outlets whose feeds list one of them (the same canonical URL in several feeds),
 * the canonical copy's publisher first, then in order of first publication.
 */
const CARRIED_BY_ARTICLE_IDS = sql(
  'article_carried_by',
  `SELECT k.id AS "articleId", x.source_id AS "sourceId"
   FROM unnest($1::uuid[]) AS k(id)
   LEFT JOIN article_cluster c ON c.article_id = k.id
   CROSS JOIN LATERAL (
     SELECT o.source_id FROM (
       SELECT a.source_id, a.published_at, 0 AS rank FROM article a WHERE a.id = COALESCE(c.canonical_id, k.id)
       UNION ALL
       SELECT a.source_id, a.published_at, 1 FROM article_cluster d JOIN article a ON a.id = d.article_id WHERE d.canonical_id = COALESCE(c.canonical_id, k.id)
       UNION ALL
       SELECT f.source_id, f.published_at, 1 FROM feed_item f
       WHERE f.article_id = COALESCE(c.canonical_id, k.id) OR f.article_id IN (SELECT d.article_id FROM article_cluster d WHERE d.canonical_id = COALESCE(c.canonical_id, k.id))
     ) o GROUP BY o.source_id ORDER BY min(o.rank), min(o.published_at), o.source_id) x`,
);

const FACETS_BY_STORY_IDS = sql(
  'story_facets',
  `SELECT k.id AS "storyId",
     ARRAY(SELECT m.person_id::text FROM article_cluster c JOIN article_mention m ON m.article_id = c.article_id WHERE c.story_id = k.id
           GROUP BY m.person_id ORDER BY count(*) DESC, sum(m.count) DESC, m.person_id) AS "personIds",
     ARRAY(SELECT a.source_id::text FROM article_cluster c JOIN article a ON a.id = c.article_id WHERE c.story_id = k.id
           GROUP BY a.source_id ORDER BY min(a.published_at), a.source_id) AS "sourceIds",
     ARRAY(SELECT a.language FROM article_cluster c JOIN article a ON a.id = c.article_id WHERE c.story_id = k.id AND a.language IS NOT NULL
           GROUP BY a.language ORDER BY count(*) DESC, a.language) AS languages
   FROM unnest($1::uuid[]) AS k(id)`,
);

/** Why each article of the stories joined, in the order they were published. */
const REASONS_BY_STORY_IDS = sql(
  'story_reasons',
  `SELECT c.story_id AS "storyId", c.article_id AS "articleId", c.canonical_id AS "canonicalId", c.why FROM article_cluster c
   WHERE c.story_id = ANY($1::uuid[]) ORDER BY c.story_id, c.published_at, c.article_id`,
);

const STORY_ORDER: readonly KeysetColumn<StoryKey>[] = [
  { sql: 's.last_published_at', descending: true, cast: 'timestamptz', value: (key) => key.lastPublishedAt },
  { sql: 's.id', descending: true, cast: 'uuid', value: (key) => key.id },
];

/** A story's articles in publication order: (published_at, article_id) of its cluster rows, ascending. */
const STORY_ARTICLE_ORDER: readonly KeysetColumn<TimeIdKey>[] = [
  { sql: 'c.published_at', descending: false, cast: 'timestamptz', value: (key) => key.publishedAt },
  { sql: 'c.article_id', descending: false, cast: 'uuid', value: (key) => key.id },
];

/** Story reads: plain rows, one statement per call. */
export class StoryRepository {
  constructor(private readonly db: SqlExecutor) {}

  async findByIds(ids: readonly string[]): Promise<StoryRecord[]> {
    return this.db.rows<StoryRecord>(BY_IDS, [ids]);
  }

  async clustersByArticleIds(ids: readonly string[]): Promise<ArticleClusterRecord[]> {
    return this.db.rows<ArticleClusterRecord>(CLUSTERS_BY_ARTICLE_IDS, [ids]);
  }

  async duplicatesByCanonicalIds(ids: readonly string[]): Promise<Array<{ parentId: string; articleId: string }>> {
    return this.db.rows(DUPLICATES_BY_CANONICAL_IDS, [ids]);
  }

  async carriedByArticleIds(ids: readonly string[]): Promise<Array<{ articleId: string; sourceId: string }>> {
    return this.db.rows(CARRIED_BY_ARTICLE_IDS, [ids]);
  }

  async facetsByStoryIds(ids: readonly string[]): Promise<StoryFacetsRecord[]> {
    return this.db.rows<StoryFacetsRecord>(FACETS_BY_STORY_IDS, [ids]);
  }

  async reasonsByStoryIds(ids: readonly string[]): Promise<Array<ArticleClusterRecord>> {
    return this.db.rows<ArticleClusterRecord>(REASONS_BY_STORY_IDS, [ids]);
  }

  /** One keyset page of stories matching the criteria, most recently active first. */
  async list(criteria: StoryCriteria, page: KeysetPage<StoryKey>): Promise<StoryRecord[]> {
    const params = new SqlParams();
    const conditions = storyConditions(criteria, params);
    const { keyset, orderBy } = keysetClauses(STORY_ORDER, page, params);
    if (keyset) conditions.push(keyset);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.db.rows<StoryRecord>(dynamicSql('story_list', `SELECT ${STORY_COLUMNS} FROM story s ${where} ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}`), params.values);
  }

  async count(criteria: StoryCriteria): Promise<number> {
    const params = new SqlParams();
    const conditions = storyConditions(criteria, params);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const [row] = await this.db.rows<{ count: number }>(dynamicSql('story_count', `SELECT count(*)::int AS count FROM story s ${where}`), params.values);
    return row?.count ?? 0;
  }

  /** A page of each story's articles (publication order), for many stories in one statement. */
  async articlesForStories(storyIds: readonly string[], page: KeysetPage<TimeIdKey>): Promise<Array<ArticleRecord & { parentId: string }>> {
    const params = new SqlParams();
    const text = lateralPageSql(storyIds, params, (storyId) => {
      const { keyset, orderBy } = keysetClauses(STORY_ARTICLE_ORDER, page, params);
      return `SELECT ${ARTICLE_TABLE.selectList} FROM article_cluster c JOIN article a ON a.id = c.article_id
        WHERE c.story_id = ${storyId}${keyset ? ` AND ${keyset}` : ''} ORDER BY ${orderBy} LIMIT ${params.add(page.limit + 1)}`;
    });
    return this.db.rows(dynamicSql('story_articles', text), params.values);
  }
}

/**
 * A story list's conditions: a story matches when one of its articles does (language, outlet,
 * person), and by its dates. The language is matched as the articles list matches it
 * (languageTagCondition: by whole subtags either way, in any case), so `stories` and `articles`
 * with the same language find the same texts.
 */
function storyConditions(criteria: StoryCriteria, params: SqlParams): string[] {
  const conditions: string[] = [];
  const member = (condition: string, join = '') =>
    `EXISTS (SELECT 1 FROM article_cluster c JOIN article a ON a.id = c.article_id ${join} WHERE c.story_id = s.id AND ${condition})`;
  if (criteria.language) conditions.push(member(languageTagCondition('a.language', criteria.language, params)));
  if (criteria.sourceIds) conditions.push(member(`a.source_id = ANY(${params.add(criteria.sourceIds, 'uuid[]')})`));
  if (criteria.personIds) conditions.push(member(`m.person_id = ANY(${params.add(criteria.personIds, 'uuid[]')})`, 'JOIN article_mention m ON m.article_id = a.id'));
  if (criteria.publishedAfter) conditions.push(`s.last_published_at >= ${params.add(criteria.publishedAfter, 'timestamptz')}`);
  if (criteria.publishedBefore) conditions.push(`s.first_published_at < ${params.add(criteria.publishedBefore, 'timestamptz')}`);
  return conditions;
}
