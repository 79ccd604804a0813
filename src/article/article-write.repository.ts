import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { sql, writeRows, type SqlStatement } from '../db/sql-executor';
import { ARTICLE_WRITE, type ArticleColumns, type ArticleWriteField } from './article.record';

/** A normalised article, ready to store: what the seed and the ingestion processor both produce. */
export type ArticleWrite = ArticleColumns & {
  authorIds: string[];
  mentions: Array<{ personId: string; count: number }>;
  citedSourceIds: string[];
  /** Where ingestion fetched the text (provenance, article_fetch); absent for the seed's pages. */
  fetchedFrom?: string | null;
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

/** The parameter after every column's: where the text was fetched from (provenance). */
const FETCHED_FROM = `$${FIELDS.length + 1}::text`;

/**
 * A new article's provenance, written by the statement that inserts it (`ins` returns the rows):
 * its first revision, and where it was fetched from when ingestion fetched it.
 */
const provenanceOfInserted = (fetchedFrom: string, from: string) =>
  `rev AS (INSERT INTO article_revision (article_id, at, content_hash, changed_fields) SELECT ins.id, ins.created_at, ins.content_hash, '{}' FROM ins),
   fetched AS (INSERT INTO article_fetch (article_id, last_fetched_at, fetched_from) SELECT ins.id, ins.created_at, ${fetchedFrom} FROM ${from} WHERE ${fetchedFrom} IS NOT NULL)`;

// Every column, in ARTICLE_WRITE's order; updated_at defaults to the publication time.
const INSERT = sql(
  'article_insert',
  `WITH ins AS (
     INSERT INTO article (${FIELDS.map((field) => ARTICLE_WRITE[field].column).join(', ')})
     VALUES (${FIELDS.map((field) => (field === 'updatedAt' ? `COALESCE(${placeholder(field)}::timestamptz, ${placeholder('publishedAt')}::timestamptz)` : placeholder(field))).join(', ')})
     ON CONFLICT (url) DO NOTHING
     RETURNING id, content_hash, created_at),
   ${provenanceOfInserted(FETCHED_FROM, 'ins')}
   SELECT id FROM ins`,
);

/** The columns an update may change: all but the article's identity (source, URL, slug). */
const UPDATED: ArticleWriteField[] = FIELDS.filter((field) => field !== 'sourceId' && field !== 'url' && field !== 'slug');
/** Derived from the others (search text, content hash) or defaulted (updated_at): not what says the story changed. */
const DERIVED: ReadonlySet<ArticleWriteField> = new Set(['updatedAt', 'searchText', 'contentHash']);
/** The columns whose change is a change of the story: UPDATE compares them, and so does plan() to find a story stored as it is. */
const COMPARED: ArticleWriteField[] = UPDATED.filter((field) => !DERIVED.has(field));
const UPDATE_PARAM = (field: ArticleWriteField) => `$${UPDATED.indexOf(field) + 2}`;
const cast = (field: ArticleWriteField) => (ARTICLE_WRITE[field].type === 'text' ? UPDATE_PARAM(field) : `${UPDATE_PARAM(field)}::${ARTICLE_WRITE[field].type}`);

/** The API's name of a compared field in a revision's changedFields (publishedAtClaimed is not in the API: it is publishedAt's). */
const REVISION_NAME = (field: ArticleWriteField) => (field === 'publishedAtClaimed' ? 'publishedAt' : field);

// Only a real change touches the row (and updated_at): storing the same story twice writes nothing.
// A change is a revision (provenance): the fields it changed are told from the row as it was
// (`old`, read by the same statement before its update), and the text's new location is recorded.
const UPDATE = sql(
  'article_update',
  `WITH old AS (SELECT ${COMPARED.map((field) => ARTICLE_WRITE[field].column).join(', ')} FROM article WHERE id = $1 FOR UPDATE),
   upd AS (
     UPDATE article a SET ${UPDATED.map((field) =>
       field === 'updatedAt'
         ? `updated_at = GREATEST(COALESCE(${UPDATE_PARAM(field)}::timestamptz, now()), ${UPDATE_PARAM('publishedAt')}::timestamptz)`
         : `${ARTICLE_WRITE[field].column} = ${UPDATE_PARAM(field)}`,
     ).join(', ')}
     FROM old
     WHERE a.id = $1 AND (${COMPARED.map((field) => `a.${ARTICLE_WRITE[field].column}`).join(', ')})
       IS DISTINCT FROM (${COMPARED.map(cast).join(', ')})
     RETURNING a.id, a.content_hash,
       ARRAY(SELECT DISTINCT f FROM unnest(ARRAY[${COMPARED.map(
         (field) => `CASE WHEN old.${ARTICLE_WRITE[field].column} IS DISTINCT FROM a.${ARTICLE_WRITE[field].column} THEN '${REVISION_NAME(field)}' END`,
       ).join(', ')}]) AS c(f) WHERE f IS NOT NULL ORDER BY f) AS changed),
   rev AS (INSERT INTO article_revision (article_id, at, content_hash, changed_fields) SELECT upd.id, now(), upd.content_hash, upd.changed FROM upd),
   fetched AS (
     INSERT INTO article_fetch (article_id, last_fetched_at, fetched_from) SELECT upd.id, now(), $${UPDATED.length + 2}::text FROM upd WHERE $${UPDATED.length + 2}::text IS NOT NULL
     ON CONFLICT (article_id) DO UPDATE SET last_fetched_at = EXCLUDED.last_fetched_at, fetched_from = EXCLUDED.fetched_from)
   SELECT id FROM upd`,
);

/** The values of a write's columns in `fields`' order. */
function valuesOf(article: ArticleColumns, fields: readonly ArticleWriteField[]): unknown[] {
  return fields.map((field) => article[field] ?? null);
}

/** plan()'s verdict on one article of a batch. */
export type ArticlePlan = { kind: 'unchanged'; id: string } | { kind: 'new' } | { kind: 'upsert' };

/** The slug an article takes when another has its own: a suffix derived from its URL. */
function slugElsewhere(slug: string, url: string): string {
  return `${slug.slice(0, 190)}-${createHash('sha256').update(url).digest('hex').slice(0, 8)}`;
}

/** The outlets an article cites, once each, its own left out. */
function citedSourcesOf(article: ArticleWrite): string[] {
  return [...new Set(article.citedSourceIds.filter((id) => id !== article.sourceId))];
}

/**
 * A batch of new articles in one statement: one array per column, unnested. unnest cannot carry
 * an array per row, so paragraphs travel as JSON text, one per article. The slug is the article's
 * own unless another article has it (as upsert's freeSlug decides), then the one from the last array.
 */
const BULK_FIELDS = FIELDS;
const bulkColumn = (field: ArticleWriteField) => ARTICLE_WRITE[field].column;
const bulkValue = (field: ArticleWriteField): string => {
  const column = `t.${bulkColumn(field)}`;
  if (field === 'paragraphs') return `ARRAY(SELECT p.value FROM jsonb_array_elements_text(${column}::jsonb) WITH ORDINALITY AS p(value, ord) ORDER BY p.ord)`;
  if (field === 'updatedAt') return `COALESCE(${column}, t.${bulkColumn('publishedAt')})`;
  if (field === 'slug') return `CASE WHEN EXISTS (SELECT 1 FROM article x WHERE x.slug = ${column} AND x.url <> t.url) THEN t.other_slug ELSE ${column} END`;
  return column;
};
const INSERT_MANY = sql(
  'article_insert_many',
  `WITH t AS (
     SELECT * FROM unnest(${BULK_FIELDS.map((field, i) => `$${i + 1}::${field === 'paragraphs' ? 'text' : ARTICLE_WRITE[field].type}[]`).join(', ')}, $${BULK_FIELDS.length + 1}::text[], $${BULK_FIELDS.length + 2}::text[])
       AS t(${BULK_FIELDS.map(bulkColumn).join(', ')}, other_slug, fetched_from)),
   ins AS (
     INSERT INTO article (${BULK_FIELDS.map(bulkColumn).join(', ')})
     SELECT ${BULK_FIELDS.map(bulkValue).join(', ')}
     FROM t
     WHERE NOT EXISTS (SELECT 1 FROM article h WHERE h.content_hash = t.content_hash AND h.source_id = t.source_id)
     ON CONFLICT (url) DO NOTHING
     RETURNING id, url, content_hash, created_at),
   ${provenanceOfInserted('t.fetched_from', 'ins JOIN t ON t.url = ins.url')}
   SELECT id, url FROM ins`,
);

/** Columns of link rows, one array each (article ids first). */
type LinkRows = unknown[][];
function push(rows: LinkRows, ...values: unknown[]): void {
  values.forEach((value, i) => rows[i]!.push(value));
}

// New articles' links, for a whole batch: nothing links to a row inserted in this transaction yet.
const AUTHORS_INSERT_MANY = sql(
  'article_author_insert_many',
  `INSERT INTO article_author (article_id, person_id, position)
   SELECT t.article_id, t.person_id, t.position FROM unnest($1::uuid[], $2::uuid[], $3::smallint[]) AS t(article_id, person_id, position)
   ON CONFLICT DO NOTHING`,
);
const MENTIONS_INSERT_MANY = sql(
  'article_mention_insert_many',
  `INSERT INTO article_mention (article_id, person_id, count)
   SELECT t.article_id, t.person_id, t.count FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS t(article_id, person_id, count)
   ON CONFLICT DO NOTHING`,
);
const CITED_INSERT_MANY = sql(
  'article_cited_source_insert_many',
  `INSERT INTO article_cited_source (article_id, source_id)
   SELECT t.article_id, t.source_id FROM unnest($1::uuid[], $2::uuid[]) AS t(article_id, source_id)
   ON CONFLICT DO NOTHING`,
);

// One article's links replaced to match (upsert): each statement returns a row per link it changed.
const AUTHORS_DELETE_OTHERS = sql('article_author_delete_others', 'DELETE FROM article_author WHERE article_id = $1 AND NOT (person_id = ANY($2::uuid[])) RETURNING 1');
const AUTHORS_UPSERT = sql(
  'article_author_upsert',
  `INSERT INTO article_author (article_id, person_id, position)
   SELECT $1, person_id, ord::smallint FROM unnest($2::uuid[]) WITH ORDINALITY AS t(person_id, ord)
   ON CONFLICT (article_id, person_id) DO UPDATE SET position = EXCLUDED.position
   WHERE article_author.position IS DISTINCT FROM EXCLUDED.position
   RETURNING 1`,
);
const MENTIONS_DELETE_OTHERS = sql('article_mention_delete_others', 'DELETE FROM article_mention WHERE article_id = $1 AND NOT (person_id = ANY($2::uuid[])) RETURNING 1');
const MENTIONS_UPSERT = sql(
  'article_mention_upsert',
  `INSERT INTO article_mention (article_id, person_id, count)
   SELECT $1, person_id, count FROM unnest($2::uuid[], $3::int[]) AS t(person_id, count)
   ON CONFLICT (article_id, person_id) DO UPDATE SET count = EXCLUDED.count
   WHERE article_mention.count IS DISTINCT FROM EXCLUDED.count
   RETURNING 1`,
);
const CITED_DELETE_OTHERS = sql(
  'article_cited_source_delete_others',
  'DELETE FROM article_cited_source WHERE article_id = $1 AND NOT (source_id = ANY($2::uuid[])) RETURNING 1',
);
const CITED_INSERT = sql(
  'article_cited_source_insert',
  `INSERT INTO article_cited_source (article_id, source_id)
   SELECT $1, source_id FROM unnest($2::uuid[]) AS t(source_id) ON CONFLICT DO NOTHING
   RETURNING 1`,
);

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
    const existing = await writeRows<{ id: string }>(manager, FIND_EXISTING, [article.url, article.sourceId, article.contentHash]);
    let id: string;
    let outcome: ArticleWriteResult['outcome'];
    if (existing[0]) {
      id = existing[0].id;
      const updated = await writeRows(manager, UPDATE, [id, ...valuesOf(article, UPDATED), article.fetchedFrom ?? null]);
      outcome = updated.length > 0 ? 'updated' : 'unchanged';
    } else {
      const slug = await this.freeSlug(manager, article.slug, article.url);
      const inserted = await writeRows<{ id: string }>(manager, INSERT, [...valuesOf({ ...article, slug }, FIELDS), article.fetchedFrom ?? null]);
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
    const rows = await writeRows<{ url: string; publishedAt: Date; updatedAt: Date }>(manager, DATES_BY_URLS, [urls]);
    return new Map(rows.map((row) => [row.url, { publishedAt: row.publishedAt, updatedAt: row.updatedAt }]));
  }

  /** The slug, or the slug with a suffix derived from the URL when another article has it. */
  private async freeSlug(manager: EntityManager, slug: string, url: string): Promise<string> {
    const taken = await writeRows(manager, SLUG_TAKEN, [slug, url]);
    return taken.length === 0 ? slug : slugElsewhere(slug, url);
  }

  /**
   * What becomes of each of a batch's articles (in their order), from one statement: `unchanged`
   * when stored exactly so already (every column upsert compares, and the authors, mentions and
   * citations), `new` when its URL is not stored and no earlier article of the batch shares its
   * URL or content hash, and `upsert` otherwise (found, or depending on an earlier article of the
   * batch: the same URL, content hash or slug as one written on its own). The new ones are stored
   * together first (insertNew), the others one at a time after them and in order, which gives
   * what writing the batch one article at a time gives.
   */
  async plan(manager: EntityManager, articles: readonly ArticleWrite[]): Promise<ArticlePlan[]> {
    if (articles.length === 0) return [];
    const rows = await writeRows<StoredArticle>(manager, STORED_BY_URLS, [articles.map((article) => article.url)]);
    const byUrl = new Map(rows.map((row) => [row.url, row]));
    const earlierUrls = new Set<string>();
    const earlierHashes = new Set<string>();
    const upsertSlugs = new Set<string>();
    return articles.map((article): ArticlePlan => {
      const row = byUrl.get(article.url);
      const hashKey = `${article.sourceId} ${article.contentHash}`;
      let plan: ArticlePlan;
      if (row && row.sourceId === article.sourceId && sameAsStored(article, row)) {
        plan = { kind: 'unchanged', id: row.id };
      } else if (row || earlierUrls.has(article.url) || earlierHashes.has(hashKey) || upsertSlugs.has(article.slug)) {
        plan = { kind: 'upsert' };
        upsertSlugs.add(article.slug);
      } else {
        plan = { kind: 'new' };
      }
      earlierUrls.add(article.url);
      earlierHashes.add(hashKey);
      return plan;
    });
  }

  /**
   * Inserts articles that plan() found `new`, with their links, in one statement per table:
   * what upsert does for each, slugs included (an article whose slug another has, stored or
   * earlier in `articles`, gets the suffixed one). Returns the new ids by URL. Left out, for the
   * caller to upsert: an article whose source has its content hash stored already (upsert finds
   * that story under its other URL), and one whose URL another writer stored meanwhile.
   */
  async insertNew(manager: EntityManager, articles: readonly ArticleWrite[]): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    if (articles.length === 0) return ids;
    const slugs = new Set<string>();
    const values = BULK_FIELDS.map((field) =>
      field === 'paragraphs' ? articles.map((article) => JSON.stringify(article.paragraphs)) : articles.map((article) => article[field] ?? null),
    );
    const slugColumn = BULK_FIELDS.indexOf('slug');
    const otherSlugs: string[] = [];
    articles.forEach((article, i) => {
      // A slug an earlier article of the batch takes is taken, as it would be by then one at a time.
      if (slugs.has(article.slug)) values[slugColumn]![i] = slugElsewhere(article.slug, article.url);
      slugs.add(article.slug);
      otherSlugs.push(slugElsewhere(article.slug, article.url));
    });
    const inserted = await writeRows<{ id: string; url: string }>(manager, INSERT_MANY, [...values, otherSlugs, articles.map((article) => article.fetchedFrom ?? null)]);
    for (const row of inserted) ids.set(row.url, row.id);

    const authors: LinkRows = [[], [], []];
    const mentions: LinkRows = [[], [], []];
    const cited: LinkRows = [[], []];
    for (const article of articles) {
      const id = ids.get(article.url);
      if (!id) continue;
      [...new Set(article.authorIds)].forEach((personId, i) => push(authors, id, personId, i + 1));
      for (const mention of article.mentions) if (mention.count > 0) push(mentions, id, mention.personId, mention.count);
      for (const sourceId of citedSourcesOf(article)) push(cited, id, sourceId);
    }
    if (authors[0].length > 0) await writeRows(manager, AUTHORS_INSERT_MANY, authors);
    if (mentions[0].length > 0) await writeRows(manager, MENTIONS_INSERT_MANY, mentions);
    if (cited[0].length > 0) await writeRows(manager, CITED_INSERT_MANY, cited);
    return ids;
  }

  private async replaceLinks(manager: EntityManager, articleId: string, article: ArticleWrite, created: boolean): Promise<boolean> {
    let changed = false;
    const authorIds = [...new Set(article.authorIds)];
    // A row inserted just now has no links to remove.
    if (!created) changed = (await affected(manager, AUTHORS_DELETE_OTHERS, [articleId, authorIds])) || changed;
    if (authorIds.length > 0) changed = (await affected(manager, AUTHORS_UPSERT, [articleId, authorIds])) || changed;
    const mentions = article.mentions.filter((m) => m.count > 0);
    const mentionIds = mentions.map((m) => m.personId);
    if (!created) changed = (await affected(manager, MENTIONS_DELETE_OTHERS, [articleId, mentionIds])) || changed;
    if (mentions.length > 0) changed = (await affected(manager, MENTIONS_UPSERT, [articleId, mentionIds, mentions.map((m) => m.count)])) || changed;
    const citedIds = citedSourcesOf(article);
    if (!created) changed = (await affected(manager, CITED_DELETE_OTHERS, [articleId, citedIds])) || changed;
    if (citedIds.length > 0) changed = (await affected(manager, CITED_INSERT, [articleId, citedIds])) || changed;
    return changed;
  }
}

/** A stored article as plan() reads it: the compared columns (by field name), and its links in the order sameAsStored compares them. */
type StoredArticle = { id: string; url: string; sourceId: string; authorIds: string[]; mentions: string[]; citedSourceIds: string[] } & Record<ArticleWriteField, unknown>;

// uuid order is the order of their lower-case hex text, which is what the comparison sorts by.
const STORED_BY_URLS = sql(
  'article_stored_by_urls',
  `SELECT a.id, a.url, a.source_id AS "sourceId", ${COMPARED.map((field) => `a.${ARTICLE_WRITE[field].column} AS "${field}"`).join(', ')},
     ARRAY(SELECT l.person_id::text FROM article_author l WHERE l.article_id = a.id ORDER BY l.position) AS "authorIds",
     ARRAY(SELECT l.person_id::text || ':' || l.count FROM article_mention l WHERE l.article_id = a.id ORDER BY l.person_id) AS mentions,
     ARRAY(SELECT l.source_id::text FROM article_cited_source l WHERE l.article_id = a.id ORDER BY l.source_id) AS "citedSourceIds"
   FROM article a WHERE a.url = ANY($1::text[])`,
);

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((value, i) => value === b[i]);

/** Whether a stored value is the one a write gives, as IS DISTINCT FROM would find it: dates by instant, arrays element by element. */
function sameValue(field: ArticleWriteField, stored: unknown, written: unknown): boolean {
  if (stored === null || written === null) return stored === written;
  switch (ARTICLE_WRITE[field].type) {
    case 'timestamptz':
      return (stored as Date).getTime() === (written as Date).getTime();
    case 'text[]':
      return sameList(stored as string[], written as string[]);
    default:
      return stored === written;
  }
}

/** Whether upsert would change nothing: the columns its UPDATE compares, and the links it replaces. */
function sameAsStored(article: ArticleWrite, row: StoredArticle): boolean {
  return (
    COMPARED.every((field) => sameValue(field, row[field], article[field] ?? null)) &&
    sameList(row.authorIds, [...new Set(article.authorIds)]) &&
    sameList(
      row.mentions,
      article.mentions
        .filter((m) => m.count > 0)
        .map((m) => `${m.personId}:${m.count}`)
        .sort(),
    ) &&
    sameList(row.citedSourceIds, citedSourcesOf(article).sort())
  );
}

async function affected(manager: EntityManager, statement: SqlStatement, values: unknown[]): Promise<boolean> {
  return (await writeRows(manager, statement, values)).length > 0;
}
