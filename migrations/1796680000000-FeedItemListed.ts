import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `feed_item.listed`: whether a headline stands in the lists that show each text once (latestFeed
 * across sources, the syndication feeds, the front page). An item is left out when its article is
 * a copy of another article's text (article_cluster.canonical_id set: the canonical copy's item
 * stands for it) or when an earlier item, by (published_at, id), links to the same article (one
 * page in several outlets' feeds: the first listing stands). An item without an article is listed.
 *
 * The lists read this column instead of checking both conditions per row they read: two index
 * probes a row cost the sidebar about a third more Postgres CPU, and its totalCount (a probe pair
 * for every item) ten times more. Triggers keep it right whatever writes the rows (ingestion, the
 * story backfill, the seed, a fixture's plain INSERT): after each statement on feed_item or
 * article_cluster, the items of the articles it touched are refreshed, in the same transaction.
 * The refresh's own UPDATE runs at trigger depth 2 and refreshes nothing more.
 */
export class FeedItemListed1796680000000 implements MigrationInterface {
  name = 'FeedItemListed1796680000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "feed_item" ADD "listed" boolean NOT NULL DEFAULT true`);
    await queryRunner.query(`
      CREATE FUNCTION feed_item_refresh_listed(article_ids uuid[], item_ids uuid[]) RETURNS void LANGUAGE sql AS $$
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
    // One function per transition: a statement trigger sees only the transition tables it declares.
    await queryRunner.query(`
      CREATE FUNCTION feed_item_listed_after_feed_item() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF pg_trigger_depth() > 1 THEN RETURN NULL; END IF;
        IF TG_OP = 'INSERT' THEN
          PERFORM feed_item_refresh_listed(ARRAY(SELECT DISTINCT article_id FROM new_rows WHERE article_id IS NOT NULL), ARRAY(SELECT id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM feed_item_refresh_listed(
            ARRAY(SELECT article_id FROM new_rows WHERE article_id IS NOT NULL UNION SELECT article_id FROM old_rows WHERE article_id IS NOT NULL),
            ARRAY(SELECT id FROM new_rows));
        ELSE
          PERFORM feed_item_refresh_listed(ARRAY(SELECT DISTINCT article_id FROM old_rows WHERE article_id IS NOT NULL), '{}');
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION feed_item_listed_after_cluster() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF pg_trigger_depth() > 1 THEN RETURN NULL; END IF;
        IF TG_OP = 'INSERT' THEN
          PERFORM feed_item_refresh_listed(ARRAY(SELECT article_id FROM new_rows WHERE canonical_id IS NOT NULL), '{}');
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM feed_item_refresh_listed(ARRAY(SELECT n.article_id FROM new_rows n JOIN old_rows o USING (article_id) WHERE n.canonical_id IS DISTINCT FROM o.canonical_id), '{}');
        ELSE
          PERFORM feed_item_refresh_listed(ARRAY(SELECT article_id FROM old_rows WHERE canonical_id IS NOT NULL), '{}');
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER feed_item_listed_insert AFTER INSERT ON feed_item REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_item_listed_after_feed_item()`);
    await queryRunner.query(`CREATE TRIGGER feed_item_listed_update AFTER UPDATE ON feed_item REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_item_listed_after_feed_item()`);
    await queryRunner.query(`CREATE TRIGGER feed_item_listed_delete AFTER DELETE ON feed_item REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_item_listed_after_feed_item()`);
    await queryRunner.query(`CREATE TRIGGER article_cluster_listed_insert AFTER INSERT ON article_cluster REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_item_listed_after_cluster()`);
    await queryRunner.query(`CREATE TRIGGER article_cluster_listed_update AFTER UPDATE ON article_cluster REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_item_listed_after_cluster()`);
    await queryRunner.query(`CREATE TRIGGER article_cluster_listed_delete AFTER DELETE ON article_cluster REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_item_listed_after_cluster()`);
    // The rows stored before: every item whose article is a copy or listed earlier.
    await queryRunner.query(`SELECT feed_item_refresh_listed(ARRAY(SELECT DISTINCT article_id FROM feed_item WHERE article_id IS NOT NULL), '{}')`);
    // The sidebar across sources in its order, listed items only: its page and its totalCount
    // (an index-only count) read nothing else.
    await queryRunner.query(`CREATE INDEX "IDX_feed_item_listed_latest" ON "feed_item" ("published_at" DESC, "position", "id") WHERE "listed"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_feed_item_listed_latest"`);
    for (const [trigger, table] of [
      ['article_cluster_listed_delete', 'article_cluster'],
      ['article_cluster_listed_update', 'article_cluster'],
      ['article_cluster_listed_insert', 'article_cluster'],
      ['feed_item_listed_delete', 'feed_item'],
      ['feed_item_listed_update', 'feed_item'],
      ['feed_item_listed_insert', 'feed_item'],
    ]) {
      await queryRunner.query(`DROP TRIGGER "${trigger}" ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION feed_item_listed_after_cluster()`);
    await queryRunner.query(`DROP FUNCTION feed_item_listed_after_feed_item()`);
    await queryRunner.query(`DROP FUNCTION feed_item_refresh_listed(uuid[], uuid[])`);
    await queryRunner.query(`ALTER TABLE "feed_item" DROP COLUMN "listed"`);
  }
}
