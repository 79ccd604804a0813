import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `feed_item_refresh_listed` (1796680000000-FeedItemListed) in PL/pgSQL instead of SQL, and
 * nothing done when it is given no article and no item.
 *
 * The triggers call it after every statement on feed_item and article_cluster, four times for each
 * batch ingestion stores, mostly with nothing or next to nothing to refresh (a batch's feed item
 * upsert fires the UPDATE trigger when it updates no row; new items are inserted with their
 * listed value already). A SQL function that is not inlined is planned at every call, a join
 * with two correlated subqueries each time; PL/pgSQL keeps the plan of its UPDATE for the session.
 * The items to refresh are a batch's few: found through the indexes on article_id and id, each
 * joined to the row it updates by a probe of feed_item's primary key. Sequential scans, hash and
 * merge joins are off inside the function: with them the planner, given a hundred ids and a table
 * not analysed yet (or analysed while small), read the whole of feed_item to find them, once or
 * three times a call, a batch's cost growing with every item ever stored (1,500 pages a call at
 * 20,000 items, the most of the 200-feed ingest bench's Postgres time after clustering).
 */
export class FeedItemListedPlanned1796697000000 implements MigrationInterface {
  name = 'FeedItemListedPlanned1796697000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION feed_item_refresh_listed(article_ids uuid[], item_ids uuid[]) RETURNS void LANGUAGE plpgsql
      SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
      BEGIN
        IF cardinality(article_ids) = 0 AND cardinality(item_ids) = 0 THEN RETURN; END IF;
        UPDATE feed_item f SET listed = x.listed
        FROM (
          SELECT i.id,
            i.article_id IS NULL OR (
              NOT EXISTS (SELECT 1 FROM article_cluster cp WHERE cp.article_id = i.article_id AND cp.canonical_id IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM feed_item fl WHERE fl.article_id = i.article_id AND (fl.published_at, fl.id) < (i.published_at, i.id))
            ) AS listed
          FROM feed_item i
          WHERE i.article_id = ANY(article_ids) OR i.id = ANY(item_ids)
        ) x
        WHERE f.id = x.id AND f.listed IS DISTINCT FROM x.listed;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION feed_item_refresh_listed(article_ids uuid[], item_ids uuid[]) RETURNS void LANGUAGE sql AS $$
        UPDATE feed_item f SET listed = x.listed
        FROM (
          SELECT i.id,
            i.article_id IS NULL OR (
              NOT EXISTS (SELECT 1 FROM article_cluster cp WHERE cp.article_id = i.article_id AND cp.canonical_id IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM feed_item fl WHERE fl.article_id = i.article_id AND (fl.published_at, fl.id) < (i.published_at, i.id))
            ) AS listed
          FROM feed_item i
          WHERE i.article_id = ANY(article_ids) OR i.id = ANY(item_ids)
        ) x
        WHERE f.id = x.id AND f.listed IS DISTINCT FROM x.listed
      $$`);
  }
}
