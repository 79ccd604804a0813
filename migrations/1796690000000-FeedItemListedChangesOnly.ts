import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `feed_item.listed` triggers (1796680000000-FeedItemListed) refresh only the articles whose
 * rows changed what `listed` depends on. Before, every updated row counted:
 * - an article_cluster UPDATE that re-points a duplicate group to a new canonical copy (every
 *   member's canonical_id changes, from one copy to another) refreshed the feed items of the whole
 *   group, when only the two copies that stop or start being canonical can change; a group of
 *   thousands of copies, re-pointed by every batch of a feed read newest first, made one batch's
 *   clustering statement exceed the statement timeout, and the feed could not be stored at all;
 * - a feed_item UPDATE that changed only a headline or position refreshed its article's items.
 *
 * What `listed` depends on: of an article_cluster row, whether canonical_id is set; of a feed_item
 * row, its article_id and published_at (with its id, which does not change).
 */
export class FeedItemListedChangesOnly1796690000000 implements MigrationInterface {
  name = 'FeedItemListedChangesOnly1796690000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION feed_item_listed_after_feed_item() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        touched_articles uuid[];
        touched_items uuid[];
      BEGIN
        IF pg_trigger_depth() > 1 THEN RETURN NULL; END IF;
        IF TG_OP = 'INSERT' THEN
          PERFORM feed_item_refresh_listed(ARRAY(SELECT DISTINCT article_id FROM new_rows WHERE article_id IS NOT NULL), ARRAY(SELECT id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
          -- Only rows whose article or date changed: they may flip, and so may the other items of
          -- the article they left and of the one they joined. EXCEPT compares the two transition
          -- tables by hashing; a join of them (no index, no statistics) was a nested loop.
          WITH changed_new AS (SELECT id, article_id, published_at FROM new_rows EXCEPT SELECT id, article_id, published_at FROM old_rows),
               changed_old AS (SELECT id, article_id, published_at FROM old_rows EXCEPT SELECT id, article_id, published_at FROM new_rows)
          SELECT ARRAY(SELECT article_id FROM changed_new WHERE article_id IS NOT NULL UNION SELECT article_id FROM changed_old WHERE article_id IS NOT NULL),
                 ARRAY(SELECT id FROM changed_new)
          INTO touched_articles, touched_items;
          PERFORM feed_item_refresh_listed(touched_articles, touched_items);
        ELSE
          PERFORM feed_item_refresh_listed(ARRAY(SELECT DISTINCT article_id FROM old_rows WHERE article_id IS NOT NULL), '{}');
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION feed_item_listed_after_cluster() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF pg_trigger_depth() > 1 THEN RETURN NULL; END IF;
        IF TG_OP = 'INSERT' THEN
          PERFORM feed_item_refresh_listed(ARRAY(SELECT article_id FROM new_rows WHERE canonical_id IS NOT NULL), '{}');
        ELSIF TG_OP = 'UPDATE' THEN
          -- Only articles that became a copy or stopped being one: re-pointing a copy from one
          -- canonical copy to another leaves its items as they are. EXCEPT compares the transition
          -- tables by hashing; a join of them (no index, no statistics) was a nested loop, and
          -- re-pointing a group of thousands of copies exceeded the statement timeout.
          PERFORM feed_item_refresh_listed(ARRAY(
            (SELECT article_id FROM new_rows WHERE canonical_id IS NULL EXCEPT SELECT article_id FROM old_rows WHERE canonical_id IS NULL)
            UNION
            (SELECT article_id FROM old_rows WHERE canonical_id IS NULL EXCEPT SELECT article_id FROM new_rows WHERE canonical_id IS NULL)), '{}');
        ELSE
          PERFORM feed_item_refresh_listed(ARRAY(SELECT article_id FROM old_rows WHERE canonical_id IS NOT NULL), '{}');
        END IF;
        RETURN NULL;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION feed_item_listed_after_feed_item() RETURNS trigger LANGUAGE plpgsql AS $$
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
      CREATE OR REPLACE FUNCTION feed_item_listed_after_cluster() RETURNS trigger LANGUAGE plpgsql AS $$
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
  }
}
