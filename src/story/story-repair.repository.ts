import type { EntityManager } from 'typeorm';
import { sql, writeRows } from '../db/sql-executor';

/**
 * Stories and duplicate groups mended after a source is purged with its articles (removeSource
 * with purge). Deleting the articles deletes their cluster rows (ON DELETE CASCADE), but what other
 * rows say of them would stay wrong:
 * - a story keeps the count, dates, title and summary it had with them, or stays with no article;
 * - the copies of a deleted canonical copy have their canonical_id set to null (ON DELETE SET
 *   NULL): each would become a canonical copy of its own, and the lists that show each text once
 *   would show the text once per copy.
 * What is needed is read before the delete (which groups lose their canonical copy, and who takes
 * its place) and written after it, in the same transaction, one statement each.
 */
export interface ClusterRepair {
  /** The stories that lose articles. */
  storyIds: string[];
  /** Each copy of a deleted canonical copy, and the group's new canonical copy (itself for the new one). */
  members: string[];
  canonicals: string[];
}

/**
 * Before the delete. A group whose canonical copy goes is taken over by its earliest remaining
 * copy (then the smaller URL): clustering's order when no copy credits another's outlet, which
 * cannot be weighed again here without the credited outlets of every copy.
 */
const REPAIR_PLAN = sql(
  'story_repair_plan',
  `WITH gone AS (SELECT c.article_id, c.story_id, c.canonical_id FROM article a JOIN article_cluster c ON c.article_id = a.id WHERE a.source_id = $1),
   remaining AS (
     SELECT g.article_id AS old_canonical, m.article_id, ma.published_at, ma.url
     FROM gone g JOIN article_cluster m ON m.canonical_id = g.article_id JOIN article ma ON ma.id = m.article_id
     WHERE g.canonical_id IS NULL AND ma.source_id <> $1),
   successor AS (SELECT DISTINCT ON (old_canonical) old_canonical, article_id AS new_canonical FROM remaining ORDER BY old_canonical, published_at, url),
   moves AS (SELECT r.article_id AS member, s.new_canonical FROM remaining r JOIN successor s USING (old_canonical))
   SELECT
     ARRAY(SELECT DISTINCT story_id FROM gone)::text[] AS "storyIds",
     ARRAY(SELECT member FROM moves ORDER BY member)::text[] AS members,
     ARRAY(SELECT new_canonical FROM moves ORDER BY member)::text[] AS canonicals`,
);

/**
 * After the delete: the copies re-pointed to their group's new canonical copy (which points
 * nowhere), the stories that still have articles given their count, dates, and the title and
 * summary of their earliest article, and the stories left with none deleted.
 */
const REPAIR = sql(
  'story_repair',
  `WITH repointed AS (
     UPDATE article_cluster c SET canonical_id = NULLIF(p.canonical, c.article_id)
     FROM unnest($2::uuid[], $3::uuid[]) AS p(member, canonical) WHERE c.article_id = p.member),
   counted AS (
     SELECT c.story_id, count(*)::int AS n, min(a.published_at) AS first_at, max(a.published_at) AS last_at
     FROM article_cluster c JOIN article a ON a.id = c.article_id WHERE c.story_id = ANY($1::uuid[]) GROUP BY c.story_id),
   earliest AS (
     SELECT DISTINCT ON (c.story_id) c.story_id, a.title, a.summary
     FROM article_cluster c JOIN article a ON a.id = c.article_id WHERE c.story_id = ANY($1::uuid[]) ORDER BY c.story_id, a.published_at, a.url),
   emptied AS (DELETE FROM story s WHERE s.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM counted WHERE counted.story_id = s.id)),
   mended AS (
     UPDATE story s SET article_count = counted.n, first_published_at = counted.first_at, last_published_at = counted.last_at, title = earliest.title, summary = earliest.summary
     FROM counted JOIN earliest USING (story_id) WHERE s.id = counted.story_id)
   SELECT 1`,
);

/** What purging `sourceId` will need mended: read before its articles are deleted. */
export async function planClusterRepair(manager: EntityManager, sourceId: string): Promise<ClusterRepair> {
  const [plan] = await writeRows<ClusterRepair>(manager, REPAIR_PLAN, [sourceId]);
  return plan ?? { storyIds: [], members: [], canonicals: [] };
}

/** Mends the stories and duplicate groups `repair` names, once the source's articles are deleted. */
export async function repairClusters(manager: EntityManager, repair: ClusterRepair): Promise<void> {
  if (repair.storyIds.length === 0 && repair.members.length === 0) return;
  await writeRows(manager, REPAIR, [repair.storyIds, repair.members, repair.canonicals]);
}
