import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The copies of syndicated texts (article_cluster rows with a canonical copy), as a partial index:
 * the lists that show each text once (articles, latestFeed, the syndication feeds, the front page)
 * leave out an article found in it with one probe of this small index per row they read, so they
 * still walk their own (published_at, id) indexes and stop at the page's end.
 */
export class CopiesIndex1796670000000 implements MigrationInterface {
  name = 'CopiesIndex1796670000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE INDEX \"IDX_article_cluster_copy\" ON \"article_cluster\"  (\"article_id\") WHERE \"canonical_id\" IS NOT NULL");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_cluster_copy\"");
  }
}
