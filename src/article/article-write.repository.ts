import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { sql } from '../db/sql-executor';
import { ARTICLE_WRITE, type ArticleColumns, type ArticleWriteField } from './article.record';

/** A normalised article, ready to store: what the seed and the ingestion processor both produce. */
export type ArticleWrite = ArticleColumns & {
  authorIds: string[];
  mentions: Array<{ personId: string; count: number }>;
  citedSourceIds: string[];
};

export interface ArticleWriteResult {
  id: string;
  outcome: 'created' | 'updated' | 'unchanged';
}

/** sha256 of title and body: the same story under another URL is recognised by it. */
export function articleContentHash(title: string, paragraphs: string[]): string {
  return createHash('sha256').update(title).update('\u0000').update(paragraphs.join('\u0000')).digest('hex');
}

const FIND_EXISTING = sql(
  'article_find_existing',
  `SELECT id, url, slug FROM article WHERE url = $1
   UNION ALL
   (SELECT id, url, slug FROM article WHERE source_id = $2 AND content_hash = $3 AND url <> $1 LIMIT 1)`,
);

const FIELDS = Object.keys(ARTICLE_WRITE) as ArticleWriteField[];
const placeholder = (field: ArticleWriteField) => `$${FIELDS.indexOf(field) + 1}`;

// Every column, in ARTICLE_WRITE's order; updated_at defaults to the publication time.
const INSERT = sql(
  'article_insert',
  `INSERT INTO article (${FIELDS.map((field) => ARTICLE_WRITE[field].column).join(', ')})
   VALUES (${FIELDS.map((field) => (field === 'updatedAt' ? `COALESCE(${placeholder(field)}::timestamptz, ${placeholder('publishedAt')}::timestamptz)` : placeholder(field))).join(', ')})
   ON CONFLICT (url) DO NOTHING
   RETURNING id`,
);

/** The columns an update may change: all but the article's identity (source, URL, slug). */
const UPDATED: ArticleWriteField[] = FIELDS.filter((field) => field !== 'sourceId' && field !== 'url' && field !== 'slug');
/** Derived from the others (search text, content hash) or defaulted (updated_at): not what says the story changed. */
const DERIVED: ReadonlySet<ArticleWriteField> = new Set(['updatedAt', 'searchText', 'contentHash']);
const UPDATE_PARAM = (field: ArticleWriteField) => `$${UPDATED.indexOf(field) + 2}`;
const cast = (field: ArticleWriteField) => (ARTICLE_WRITE[field].type === 'text' ? UPDATE_PARAM(field) : `${UPDATE_PARAM(field)}::${ARTICLE_WRITE[field].type}`);

// Only a real change touches the row (and updated_at): storing the same story twice writes nothing.
const UPDATE = sql(
  'article_update',
  `UPDATE article SET ${UPDATED.map((field) =>
    field === 'updatedAt'
      ? `updated_at = GREATEST(COALESCE(${UPDATE_PARAM(field)}::timestamptz, now()), ${UPDATE_PARAM('publishedAt')}::timestamptz)`
      : `${ARTICLE_WRITE[field].column} = ${UPDATE_PARAM(field)}`,
  ).join(', ')}
   WHERE id = $1 AND (${UPDATED.filter((field) => !DERIVED.has(field)).map((field) => ARTICLE_WRITE[field].column).join(', ')})
     IS DISTINCT FROM (${UPDATED.filter((field) => !DERIVED.has(field)).map(cast).join(', ')})
   RETURNING id`,
);

/** The values of a write's columns in `fields`' order. */
function valuesOf(article: ArticleColumns, fields: readonly ArticleWriteField[]): unknown[] {
  return fields.map((field) => article[field] ?? null);
}

const DATES_BY_URLS = sql(
  'article_dates_by_urls',
  'SELECT url, published_at AS "publishedAt", updated_at AS "updatedAt" FROM article WHERE url = ANY($1::text[])',
);

const SLUG_TAKEN = sql('article_slug_taken', 'SELECT 1 FROM article WHERE slug = $1 AND url <> $2');

/**
 * Idempotent writes of articles and their links. Every method takes the transaction's manager: a
 * feed is stored in transactions, so a crash leaves no half-written article.
 */
export class ArticleWriteRepository {
  /**
   * Inserts a new article or updates a changed one, found by canonical URL or, for the same
   * source, by content hash (the same story republished under another URL). Links to authors,
   * mentioned people and cited sources are replaced to match.
   */
  async upsert(manager: EntityManager, article: ArticleWrite): Promise<ArticleWriteResult> {
    const existing = (await manager.query(FIND_EXISTING.text, [article.url, article.sourceId, article.contentHash])) as Array<{ id: string }>;
    let id: string;
    let outcome: ArticleWriteResult['outcome'];
    if (existing[0]) {
      id = existing[0].id;
      const updated = (await manager.query(UPDATE.text, [id, ...valuesOf(article, UPDATED)])) as unknown[];
      outcome = rowsOf(updated).length > 0 ? 'updated' : 'unchanged';
    } else {
      const slug = await this.freeSlug(manager, article.slug, article.url);
      const inserted = (await manager.query(INSERT.text, valuesOf({ ...article, slug }, FIELDS))) as Array<{ id: string }>;
      if (inserted[0]) {
        id = inserted[0].id;
        outcome = 'created';
      } else {
        // Another writer stored the same URL between our look-up and insert: theirs stands, ours
        // becomes an update of it.
        return this.upsert(manager, article);
      }
    }
    const linksChanged = await this.replaceLinks(manager, id, article, outcome === 'created');
    if (linksChanged && outcome === 'unchanged') outcome = 'updated';
    return { id, outcome };
  }

  /** The dates of already-stored articles by URL: which stories are new, and the date undated items keep. */
  async datesByUrl(manager: EntityManager, urls: readonly string[]): Promise<Map<string, { publishedAt: Date; updatedAt: Date }>> {
    if (urls.length === 0) return new Map();
    const rows = (await manager.query(DATES_BY_URLS.text, [urls])) as Array<{ url: string; publishedAt: Date; updatedAt: Date }>;
    return new Map(rows.map((row) => [row.url, { publishedAt: row.publishedAt, updatedAt: row.updatedAt }]));
  }

  /** The slug, or the slug with a suffix derived from the URL when another article has it. */
  private async freeSlug(manager: EntityManager, slug: string, url: string): Promise<string> {
    const taken = (await manager.query(SLUG_TAKEN.text, [slug, url])) as unknown[];
    if (taken.length === 0) return slug;
    const suffix = createHash('sha256').update(url).digest('hex').slice(0, 8);
    return `${slug.slice(0, 190)}-${suffix}`;
  }

  /**
   * The articles among `articles` stored exactly so already (every column upsert compares, and
   * their authors, mentions and citations), by URL → id: a feed polled again is mostly these, and
   * one statement per batch spares the eight an upsert that changes nothing costs.
   */
  async storedAsIs(manager: EntityManager, articles: readonly ArticleWrite[]): Promise<Map<string, string>> {
    const unchanged = new Map<string, string>();
    if (articles.length === 0) return unchanged;
    const rows = (await manager.query(STORED_BY_URLS.text, [articles.map((article) => article.url)])) as StoredArticle[];
    const byUrl = new Map(rows.map((row) => [row.url, row]));
    for (const article of articles) {
      const row = byUrl.get(article.url);
      if (row && row.sourceId === article.sourceId && sameAsStored(article, row)) unchanged.set(article.url, row.id);
    }
    return unchanged;
  }

  private async replaceLinks(manager: EntityManager, articleId: string, article: ArticleWrite, created: boolean): Promise<boolean> {
    let changed = false;
    const authorIds = [...new Set(article.authorIds)];
    // A row inserted just now has no links to remove.
    if (!created) changed = (await affected(manager, 'DELETE FROM article_author WHERE article_id = $1 AND NOT (person_id = ANY($2::uuid[]))', [articleId, authorIds])) || changed;
    if (authorIds.length > 0) {
      changed =
        (await affected(
          manager,
          `INSERT INTO article_author (article_id, person_id, position)
           SELECT $1, person_id, ord::smallint FROM unnest($2::uuid[]) WITH ORDINALITY AS t(person_id, ord)
           ON CONFLICT (article_id, person_id) DO UPDATE SET position = EXCLUDED.position
           WHERE article_author.position IS DISTINCT FROM EXCLUDED.position`,
          [articleId, authorIds],
        )) || changed;
    }
    const mentions = article.mentions.filter((m) => m.count > 0);
    const mentionIds = mentions.map((m) => m.personId);
    if (!created) changed = (await affected(manager, 'DELETE FROM article_mention WHERE article_id = $1 AND NOT (person_id = ANY($2::uuid[]))', [articleId, mentionIds])) || changed;
    if (mentions.length > 0) {
      changed =
        (await affected(
          manager,
          `INSERT INTO article_mention (article_id, person_id, count)
           SELECT $1, person_id, count FROM unnest($2::uuid[], $3::int[]) AS t(person_id, count)
           ON CONFLICT (article_id, person_id) DO UPDATE SET count = EXCLUDED.count
           WHERE article_mention.count IS DISTINCT FROM EXCLUDED.count`,
          [articleId, mentionIds, mentions.map((m) => m.count)],
        )) || changed;
    }
    const citedIds = [...new Set(article.citedSourceIds.filter((id) => id !== article.sourceId))];
    if (!created) {
      changed =
        (await affected(manager, 'DELETE FROM article_cited_source WHERE article_id = $1 AND NOT (source_id = ANY($2::uuid[]))', [articleId, citedIds])) || changed;
    }
    if (citedIds.length > 0) {
      changed =
        (await affected(
          manager,
          `INSERT INTO article_cited_source (article_id, source_id)
           SELECT $1, source_id FROM unnest($2::uuid[]) AS t(source_id) ON CONFLICT DO NOTHING`,
          [articleId, citedIds],
        )) || changed;
    }
    return changed;
  }
}

interface StoredArticle {
  id: string;
  url: string;
  sourceId: string;
  title: string;
  summary: string | null;
  paragraphs: string[];
  language: string | null;
  publishedAt: Date;
  publishedAtClaimed: Date | null;
  imageUrl: string | null;
  byline: string | null;
  authorIds: string[];
  mentions: string[];
  citedSourceIds: string[];
}

// uuid order is the order of their lower-case hex text, which is what the comparison sorts by.
const STORED_BY_URLS = sql(
  'article_stored_by_urls',
  `SELECT a.id, a.url, a.source_id AS "sourceId", a.title, a.summary, a.paragraphs, a.language, a.published_at AS "publishedAt",
     a.published_at_claimed AS "publishedAtClaimed", a.image_url AS "imageUrl", a.byline,
     ARRAY(SELECT l.person_id::text FROM article_author l WHERE l.article_id = a.id ORDER BY l.position) AS "authorIds",
     ARRAY(SELECT l.person_id::text || ':' || l.count FROM article_mention l WHERE l.article_id = a.id ORDER BY l.person_id) AS mentions,
     ARRAY(SELECT l.source_id::text FROM article_cited_source l WHERE l.article_id = a.id ORDER BY l.source_id) AS "citedSourceIds"
   FROM article a WHERE a.url = ANY($1::text[])`,
);

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((value, i) => value === b[i]);

/** Whether upsert would change nothing: the columns its UPDATE compares, and the links it replaces. */
function sameAsStored(article: ArticleWrite, row: StoredArticle): boolean {
  return (
    row.title === article.title &&
    row.summary === article.summary &&
    sameList(row.paragraphs, article.paragraphs) &&
    row.language === article.language &&
    row.publishedAt.getTime() === article.publishedAt.getTime() &&
    (row.publishedAtClaimed?.getTime() ?? null) === (article.publishedAtClaimed?.getTime() ?? null) &&
    row.imageUrl === article.imageUrl &&
    row.byline === article.byline &&
    sameList(row.authorIds, [...new Set(article.authorIds)]) &&
    sameList(
      row.mentions,
      article.mentions
        .filter((m) => m.count > 0)
        .map((m) => `${m.personId}:${m.count}`)
        .sort(),
    ) &&
    sameList(row.citedSourceIds, [...new Set(article.citedSourceIds.filter((id) => id !== article.sourceId))].sort())
  );
}

/** TypeORM returns [rows, affectedCount] for DELETE/UPDATE and rows for INSERT … RETURNING. */
function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0];
  return Array.isArray(result) ? result : [];
}

async function affected(manager: EntityManager, text: string, values: unknown[]): Promise<boolean> {
  const result = (await manager.query(`${text} RETURNING 1`, values)) as unknown;
  return rowsOf(result).length > 0;
}
