import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingestion looks a story up by its source and content hash (the same story under another URL):
 * one index on both replaces the one on the hash alone, which the planner combined with the
 * source's whole publication index (every article of the source read per look-up).
 */
export class ArticleSourceContentHash1796614044910 implements MigrationInterface {
  name = 'ArticleSourceContentHash1796614044910';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_content_hash\"");
    await queryRunner.query("CREATE INDEX \"IDX_article_source_content_hash\" ON \"article\"  (\"source_id\", \"content_hash\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_source_content_hash\"");
    await queryRunner.query("CREATE INDEX \"IDX_article_content_hash\" ON \"article\" USING btree (\"content_hash\") ");
  }
}
