import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provenance: where and when ingestion last fetched each article (article_fetch) and every stored
 * version of it (article_revision). Articles stored before keep their current text as their first
 * version, dated when they were first stored.
 */
export class ArticleProvenance1796625000000 implements MigrationInterface {
  name = 'ArticleProvenance1796625000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"article_fetch\" (\"article_id\" uuid NOT NULL, \"last_fetched_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"fetched_from\" text NOT NULL, CONSTRAINT \"PK_1e812b57e43a675c2b9c29fb36c\" PRIMARY KEY (\"article_id\"))");
    await queryRunner.query("CREATE TABLE \"article_revision\" (\"id\" BIGSERIAL NOT NULL, \"article_id\" uuid NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"content_hash\" character varying(64) NOT NULL, \"changed_fields\" text array NOT NULL, CONSTRAINT \"PK_8ba7e2fe48e891064c6d4b4ef20\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_article_revision_article\" ON \"article_revision\"  (\"article_id\", \"at\", \"id\") ");
    await queryRunner.query("ALTER TABLE \"article_fetch\" ADD CONSTRAINT \"FK_1e812b57e43a675c2b9c29fb36c\" FOREIGN KEY (\"article_id\") REFERENCES \"article\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"article_revision\" ADD CONSTRAINT \"FK_0f5cabd230607eb5df11fa16ff1\" FOREIGN KEY (\"article_id\") REFERENCES \"article\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("INSERT INTO \"article_revision\" (\"article_id\", \"at\", \"content_hash\", \"changed_fields\") SELECT \"id\", \"created_at\", \"content_hash\", '{}' FROM \"article\"");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"article_revision\" DROP CONSTRAINT \"FK_0f5cabd230607eb5df11fa16ff1\"");
    await queryRunner.query("ALTER TABLE \"article_fetch\" DROP CONSTRAINT \"FK_1e812b57e43a675c2b9c29fb36c\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_revision_article\"");
    await queryRunner.query("DROP TABLE \"article_revision\"");
    await queryRunner.query("DROP TABLE \"article_fetch\"");
  }
}
