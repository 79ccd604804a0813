import type { EntityManager } from 'typeorm';
import type { ArticleWrite } from '../article/article-write.repository';
import { FAST_INT_ARRAYS } from '../db/int-array-parser';
import { sql, writeRows } from '../db/sql-executor';
import { bandKey, fingerprintText, personKey } from '../text/fingerprint';
import { CANDIDATES_PER_KEY, clusterBatch, DUPLICATE_WINDOW_HOURS, WINDOW_HOURS, type ClusterArticle, type ClusterDecision, type StoredCandidate } from './story-clustering';

/**
 * A batch's candidates in one statement: for every lookup of its new articles (a key they share,
 * a person named or a band of a shingle signature, and the time window around them: see
 * candidateLookups), the stored articles with that key within the window, at most
 * CANDIDATES_PER_KEY each (latest first). Each key is read by story_key_latest (migration
 * 1796695000000-StoryKeyLatest): a backward scan of story_key's primary key (article ids
 * descending too) that stops after CANDIDATES_PER_KEY rows, with bitmap scans off. Without it the
 * planner, which estimates every key of the lateral join at the table's average (a few rows),
 * read a key shared by thousands of copies whole with a bitmap scan and sorted it: 3,000 rows per
 * key, half the Postgres time of storing a batch; with `article_id` ascending it sorted too. The
 * window's start is applied after the LIMIT, which gives the same rows (the latest ones up to its
 * end, those inside it). Each candidate comes with what scoring compares and its cluster row.
 */
const CANDIDATES = sql(
  'story_candidates',
  `WITH q AS (SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS q(key, low, high)),
   c AS (
     SELECT DISTINCT k.article_id FROM q CROSS JOIN LATERAL story_key_latest(q.key, q.high, ${CANDIDATES_PER_KEY}) k
     WHERE k.published_at >= q.low)
   SELECT a.id, a.url, a.source_id AS "sourceId", a.title, a.summary, a.published_at AS "publishedAt", a.content_hash AS "contentHash",
     ARRAY(SELECT m.person_id::text FROM article_mention m WHERE m.article_id = a.id ORDER BY m.person_id) AS "peopleIds",
     ARRAY(SELECT x.source_id::text FROM article_cited_source x WHERE x.article_id = a.id ORDER BY x.source_id) AS "citedSourceIds",
     ac.shingles, ac.words, ac.script, ac.story_id AS "storyId", ac.canonical_id AS "canonicalId"
   FROM c JOIN article a ON a.id = c.article_id LEFT JOIN article_cluster ac ON ac.article_id = a.id`,
);

/**
 * A batch's outcome in one statement: new stories inserted, stored ones moved on (dates, count,
 * and title and summary when an earlier article joins), the cluster rows of its articles, stored
 * duplicate groups re-pointed to a new canonical copy, and the new articles' lookup keys (one
 * array text per article, unnested by the statement: fourteen keys of a hundred articles were
 * 4,200 parameters to serialise, dates among them).
 */
const WRITE = sql(
  'story_write',
  `WITH s AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::bool[])
       AS s(id, title, summary, first_at, last_at, added, is_new)),
   new_story AS (
     INSERT INTO story (id, title, summary, first_published_at, last_published_at, article_count)
     SELECT id, title, summary, first_at, last_at, added FROM s WHERE is_new),
   moved_story AS (
     UPDATE story st SET
       title = CASE WHEN s.first_at < st.first_published_at THEN s.title ELSE st.title END,
       summary = CASE WHEN s.first_at < st.first_published_at THEN s.summary ELSE st.summary END,
       first_published_at = LEAST(st.first_published_at, s.first_at),
       last_published_at = GREATEST(st.last_published_at, s.last_at),
       article_count = st.article_count + s.added
     FROM s WHERE st.id = s.id AND NOT s.is_new),
   r AS (SELECT * FROM unnest($8::uuid[], $9::uuid[], $10::timestamptz[], $11::uuid[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
       AS r(article_id, story_id, published_at, canonical_id, shingles, words, script, why, keys)),
   cluster AS (
     INSERT INTO article_cluster (article_id, story_id, published_at, canonical_id, shingles, words, script, why)
     SELECT article_id, story_id, published_at, canonical_id, shingles::int[], words::int[], script, why::jsonb FROM r
     ON CONFLICT (article_id) DO UPDATE SET story_id = EXCLUDED.story_id, canonical_id = EXCLUDED.canonical_id, why = EXCLUDED.why),
   moved AS (
     UPDATE article_cluster c SET canonical_id = NULLIF(m.to_id, c.article_id)
     FROM unnest($17::uuid[], $18::uuid[]) AS m(from_id, to_id)
     WHERE (c.canonical_id = m.from_id OR c.article_id = m.from_id) AND c.article_id <> ALL($8::uuid[])),
   keys AS (
     INSERT INTO story_key (key, published_at, article_id)
     SELECT k.key, r.published_at, r.article_id FROM r CROSS JOIN LATERAL unnest(r.keys::bigint[]) AS k(key) ON CONFLICT DO NOTHING)
   SELECT 1`,
);

/** A new article as clustering sees it: its id and what of its write clustering compares. */
export interface StoredArticle {
  id: string;
  write: Pick<ArticleWrite, 'url' | 'sourceId' | 'title' | 'summary' | 'paragraphs' | 'publishedAt' | 'contentHash' | 'mentions' | 'citedSourceIds'>;
}

/**
 * Clustering's reads and writes, for the ingest store: each batch's new articles join a story (or
 * start one) and their duplicate group, in the batch's transaction, with two statements per batch
 * whatever its size.
 */
export class StoryWriteRepository {
  async cluster(manager: EntityManager, stored: readonly StoredArticle[]): Promise<ClusterDecision | null> {
    if (stored.length === 0) return null;
    const articles: Array<ClusterArticle & { bands: string[] }> = stored.map(({ id, write }) => {
      const fingerprint = fingerprintText(write.title, write.paragraphs);
      return {
        id,
        url: write.url,
        sourceId: write.sourceId,
        title: write.title,
        summary: write.summary,
        publishedAt: write.publishedAt,
        contentHash: write.contentHash,
        peopleIds: [...new Set(write.mentions.filter((m) => m.count > 0).map((m) => m.personId))].sort(),
        citedSourceIds: [...new Set(write.citedSourceIds.filter((sourceId) => sourceId !== write.sourceId))].sort(),
        shingles: fingerprint.shingles,
        words: fingerprint.words,
        script: fingerprint.script,
        bands: fingerprint.bands,
      };
    });

    const keys = new Map<string, string>();
    const wanted: Lookup[] = [];
    for (const article of articles) {
      const articleKeys: Array<[string, number]> = [
        ...article.peopleIds.map((id): [string, number] => [personKey(id), WINDOW_HOURS]),
        ...article.bands.map((band): [string, number] => [bandKey(band), DUPLICATE_WINDOW_HOURS]),
      ];
      if (articleKeys.length > 0) keys.set(article.id, `{${articleKeys.map(([key]) => key).join(',')}}`);
      for (const [key, hours] of articleKeys) wanted.push({ key, at: article.publishedAt.getTime(), hours });
    }
    const lookups = candidateLookups(wanted);
    const batchIds = new Set(articles.map((article) => article.id));
    const candidates = lookups[0].length === 0 ? [] : (await writeRows<StoredCandidate>(manager, CANDIDATES, lookups, { types: FAST_INT_ARRAYS })).filter((c) => !batchIds.has(c.id));
    const decision = clusterBatch(articles, candidates);

    const rows = decision.rows;
    await writeRows(manager, WRITE, [
      decision.stories.map((s) => s.id),
      decision.stories.map((s) => s.earliest.title),
      decision.stories.map((s) => s.earliest.summary),
      decision.stories.map((s) => s.earliest.publishedAt),
      decision.stories.map((s) => s.lastPublishedAt),
      decision.stories.map((s) => s.added),
      decision.stories.map((s) => s.isNew),
      rows.map((row) => row.article.id),
      rows.map((row) => row.storyId),
      rows.map((row) => row.article.publishedAt),
      rows.map((row) => row.canonicalId),
      rows.map((row) => pgArray(row.article.shingles)),
      rows.map((row) => pgArray(row.article.words)),
      rows.map((row) => row.article.script),
      rows.map((row) => (row.reason ? JSON.stringify(row.reason) : null)),
      rows.map((row) => keys.get(row.article.id) ?? null),
      decision.canonicalMoves.map((move) => move.from),
      decision.canonicalMoves.map((move) => move.to),
    ]);
    return decision;
  }
}

/** A key one of a batch's articles has, with its time and the key's window (hours either side). */
interface Lookup {
  key: string;
  at: number;
  hours: number;
}

/** Articles of a batch with the same key and times at most this far apart share one lookup. */
const LOOKUP_SPAN_HOURS = 6;

/**
 * The candidate statement's lookups (keys, window starts, window ends): the batch's articles with
 * the same key and times at most LOOKUP_SPAN_HOURS apart share one, over the union of their
 * windows. A batch of one feed's latest items (hours apart at most) looks each key up once, not
 * once per article: a band or person that a hundred of them share was a hundred index ranges of
 * mostly the same rows. Deterministic: the groups follow from the batch alone.
 */
function candidateLookups(wanted: readonly Lookup[]): [string[], Date[], Date[]] {
  const byKey = new Map<string, Lookup[]>();
  for (const lookup of wanted) {
    const list = byKey.get(lookup.key);
    if (list) list.push(lookup);
    else byKey.set(lookup.key, [lookup]);
  }
  const lookups: [string[], Date[], Date[]] = [[], [], []];
  const push = (key: string, group: readonly Lookup[]) => {
    lookups[0].push(key);
    lookups[1].push(new Date(Math.min(...group.map((l) => l.at - l.hours * 3_600_000))));
    lookups[2].push(new Date(Math.max(...group.map((l) => l.at + l.hours * 3_600_000))));
  };
  for (const [key, list] of byKey) {
    list.sort((a, b) => a.at - b.at);
    let group: Lookup[] = [];
    for (const lookup of list) {
      if (group.length > 0 && lookup.at - group[0]!.at > LOOKUP_SPAN_HOURS * 3_600_000) {
        push(key, group);
        group = [];
      }
      group.push(lookup);
    }
    push(key, group);
  }
  return lookups;
}

/** An integer array as Postgres array text (unnest cannot carry an array per row). */
function pgArray(values: readonly number[] | null): string | null {
  return values ? `{${values.join(',')}}` : null;
}
