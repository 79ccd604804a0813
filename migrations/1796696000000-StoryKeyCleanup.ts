import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * story_key loses its foreign key to article; a statement trigger on article deletes the keys of
 * the articles a statement deleted instead.
 *
 * story_key has no index on article_id (its primary key leads with the key, the column the
 * candidate look-up reads), so ON DELETE CASCADE scanned the whole table once per deleted
 * article: purging a source of 10,000 articles (removeSource with purge, which cascades to its
 * articles) read 140,000 rows 10,000 times and was cancelled by the statement timeout. An index on
 * article_id would have cost every stored article fourteen index insertions more; the foreign
 * key's own check cost each of its fourteen key rows a look-up of the article (3-4 µs each).
 * The trigger runs once per statement, over all the rows it deleted: one hash join with
 * story_key, however many articles go. Its DELETE is run with EXECUTE, planned at each firing
 * with the number of rows deleted known (a plan kept from a first firing of one row would be a
 * nested loop, one scan of story_key per deleted article again).
 *
 * Nothing else writes story_key but clustering (for articles it has just stored, in the same
 * transaction) and the story backfill, so keys of a missing article cannot appear otherwise.
 */
export class StoryKeyCleanup1796696000000 implements MigrationInterface {
  name = 'StoryKeyCleanup1796696000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "story_key" DROP CONSTRAINT "FK_bb824f48f89e23d8eafe522ced8"`);
    await queryRunner.query(`
      CREATE FUNCTION story_key_after_article_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        EXECUTE 'DELETE FROM story_key k USING old_rows o WHERE k.article_id = o.id';
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER article_story_keys_delete AFTER DELETE ON article REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION story_key_after_article_delete()`,
    );
    // Keys whose article went before this migration (none: the cascade removed them).
    await queryRunner.query(`DELETE FROM story_key k WHERE NOT EXISTS (SELECT 1 FROM article a WHERE a.id = k.article_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "article_story_keys_delete" ON "article"`);
    await queryRunner.query(`DROP FUNCTION story_key_after_article_delete()`);
    await queryRunner.query(`DELETE FROM story_key k WHERE NOT EXISTS (SELECT 1 FROM article a WHERE a.id = k.article_id)`);
    await queryRunner.query(
      `ALTER TABLE "story_key" ADD CONSTRAINT "FK_bb824f48f89e23d8eafe522ced8" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
