import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stories and duplicates (src/story): story, article_cluster (an article's story, canonical copy,
 * fingerprints and why it joined) and story_key (candidate lookup by person and by band of the
 * shingle signature, with the time). Articles stored before get their people's lookup keys, so new
 * articles find them (the key of src/text/fingerprint.ts personKey); they join a story when a new
 * one ties to them.
 */
export class Stories1796647592765 implements MigrationInterface {
  name = 'Stories1796647592765';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"story\" (\"id\" uuid NOT NULL, \"title\" text NOT NULL, \"summary\" text, \"first_published_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"last_published_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"article_count\" integer NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_28fce6873d61e2cace70a0f3361\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_story_last_published\" ON \"story\"  (\"last_published_at\", \"id\") ");
    await queryRunner.query("CREATE TABLE \"article_cluster\" (\"article_id\" uuid NOT NULL, \"story_id\" uuid NOT NULL, \"published_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"canonical_id\" uuid, \"shingles\" integer array, \"words\" integer array, \"script\" character varying(32), \"why\" jsonb, CONSTRAINT \"PK_f5c86e7cc1ee0ad1885864e3b92\" PRIMARY KEY (\"article_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_article_cluster_canonical\" ON \"article_cluster\"  (\"canonical_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_article_cluster_story\" ON \"article_cluster\"  (\"story_id\", \"published_at\", \"article_id\") ");
    await queryRunner.query("CREATE TABLE \"story_key\" (\"key\" bigint NOT NULL, \"published_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"article_id\" uuid NOT NULL, CONSTRAINT \"PK_e6ff68df33abc7ef26e7d591088\" PRIMARY KEY (\"key\", \"published_at\", \"article_id\"))");
    await queryRunner.query("ALTER TABLE \"article_cluster\" ADD CONSTRAINT \"FK_f5c86e7cc1ee0ad1885864e3b92\" FOREIGN KEY (\"article_id\") REFERENCES \"article\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"article_cluster\" ADD CONSTRAINT \"FK_a4cd4266e399db021824477b47a\" FOREIGN KEY (\"story_id\") REFERENCES \"story\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"article_cluster\" ADD CONSTRAINT \"FK_05a4913ee582212f8a4ec4dab79\" FOREIGN KEY (\"canonical_id\") REFERENCES \"article\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"story_key\" ADD CONSTRAINT \"FK_bb824f48f89e23d8eafe522ced8\" FOREIGN KEY (\"article_id\") REFERENCES \"article\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    // One row per mention of every stored article (600,000 for the 200,000-article demo, about 20 s): longer than a request's statement timeout.
    await queryRunner.query("SET LOCAL statement_timeout = 0");
    await queryRunner.query("INSERT INTO \"story_key\" (\"key\", \"published_at\", \"article_id\") SELECT ('x' || left(md5('p:' || m.\"person_id\"::text), 16))::bit(64)::bigint, a.\"published_at\", a.\"id\" FROM \"article_mention\" m JOIN \"article\" a ON a.\"id\" = m.\"article_id\" ON CONFLICT DO NOTHING");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"story_key\" DROP CONSTRAINT \"FK_bb824f48f89e23d8eafe522ced8\"");
    await queryRunner.query("ALTER TABLE \"article_cluster\" DROP CONSTRAINT \"FK_05a4913ee582212f8a4ec4dab79\"");
    await queryRunner.query("ALTER TABLE \"article_cluster\" DROP CONSTRAINT \"FK_a4cd4266e399db021824477b47a\"");
    await queryRunner.query("ALTER TABLE \"article_cluster\" DROP CONSTRAINT \"FK_f5c86e7cc1ee0ad1885864e3b92\"");
    await queryRunner.query("DROP TABLE \"story_key\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_cluster_story\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_cluster_canonical\"");
    await queryRunner.query("DROP TABLE \"article_cluster\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_story_last_published\"");
    await queryRunner.query("DROP TABLE \"story\"");
  }
}
