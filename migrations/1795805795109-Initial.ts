import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795805795109 implements MigrationInterface {
  name = 'Initial1795805795109';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"person\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"slug\" character varying(200) NOT NULL, \"name\" text NOT NULL, \"aliases\" text array NOT NULL DEFAULT '{}', \"description\" text, \"search_text\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_5fdaf670315c4b7e70cce85daa3\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_person_slug\" ON \"person\"  (\"slug\") ");
    await queryRunner.query("CREATE TABLE \"source\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"slug\" character varying(200) NOT NULL, \"name\" text NOT NULL, \"aliases\" text array NOT NULL DEFAULT '{}', \"homepage_url\" text, \"language\" character varying(35), \"country\" character varying(2), \"logo_url\" text, \"kind\" character varying(32) NOT NULL DEFAULT 'publisher', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_018c433f8264b58c86363eaadde\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_source_slug\" ON \"source\"  (\"slug\") ");
    await queryRunner.query("CREATE TABLE \"article_author\" (\"article_id\" uuid NOT NULL, \"person_id\" uuid NOT NULL, \"position\" smallint NOT NULL, CONSTRAINT \"PK_77b36d052bbbec7ef1363958fd5\" PRIMARY KEY (\"article_id\", \"person_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_article_author_person\" ON \"article_author\"  (\"person_id\", \"article_id\") ");
    await queryRunner.query("CREATE TABLE \"article_mention\" (\"article_id\" uuid NOT NULL, \"person_id\" uuid NOT NULL, \"count\" integer NOT NULL, CONSTRAINT \"PK_35c9be2f9910f49c3972af3cb26\" PRIMARY KEY (\"article_id\", \"person_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_article_mention_person\" ON \"article_mention\"  (\"person_id\", \"article_id\") ");
    await queryRunner.query("CREATE TABLE \"article_cited_source\" (\"article_id\" uuid NOT NULL, \"source_id\" uuid NOT NULL, CONSTRAINT \"PK_72da3369e715a9b52b950ae46f9\" PRIMARY KEY (\"article_id\", \"source_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_article_cited_source_source\" ON \"article_cited_source\"  (\"source_id\", \"article_id\") ");
    await queryRunner.query("CREATE TABLE \"article\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"source_id\" uuid NOT NULL, \"url\" text NOT NULL, \"slug\" character varying(200) NOT NULL, \"title\" text NOT NULL, \"summary\" text, \"paragraphs\" text array NOT NULL DEFAULT '{}', \"language\" character varying(35), \"published_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"image_url\" text, \"byline\" text, \"content_hash\" character varying(64) NOT NULL, \"search_text\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_40808690eb7b915046558c0f81b\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_article_url\" ON \"article\"  (\"url\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_article_slug\" ON \"article\"  (\"slug\") ");
    await queryRunner.query("CREATE INDEX \"IDX_article_content_hash\" ON \"article\"  (\"content_hash\") ");
    await queryRunner.query("CREATE INDEX \"IDX_article_language_published\" ON \"article\"  (\"language\", \"published_at\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_article_source_published\" ON \"article\"  (\"source_id\", \"published_at\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_article_published\" ON \"article\"  (\"published_at\", \"id\") ");
    await queryRunner.query("CREATE TABLE \"feed_item\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"source_id\" uuid NOT NULL, \"item_key\" text NOT NULL, \"headline\" text NOT NULL, \"url\" text, \"image_url\" text, \"language\" character varying(35), \"published_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"position\" integer NOT NULL, \"article_id\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_15e831e9beea6ca204556c64438\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_feed_item_article\" ON \"feed_item\"  (\"article_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_feed_item_source_key\" ON \"feed_item\"  (\"source_id\", \"item_key\") ");
    await queryRunner.query("ALTER TABLE \"article_author\" ADD CONSTRAINT \"FK_496fd25969750dc698a59944bf4\" FOREIGN KEY (\"article_id\") REFERENCES \"article\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"article_author\" ADD CONSTRAINT \"FK_a5bbaf88e36541948707e971abb\" FOREIGN KEY (\"person_id\") REFERENCES \"person\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"article_mention\" ADD CONSTRAINT \"FK_756fc243eb0439a81349ebbbb0f\" FOREIGN KEY (\"article_id\") REFERENCES \"article\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"article_mention\" ADD CONSTRAINT \"FK_bd03157390855d1952623849a35\" FOREIGN KEY (\"person_id\") REFERENCES \"person\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"article_cited_source\" ADD CONSTRAINT \"FK_7ab12fa37328ec96f64f0fe5b2a\" FOREIGN KEY (\"article_id\") REFERENCES \"article\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"article_cited_source\" ADD CONSTRAINT \"FK_d33aa9047b9b7071d4d74bf1721\" FOREIGN KEY (\"source_id\") REFERENCES \"source\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"article\" ADD CONSTRAINT \"FK_54c0990293f37869e42b1a59d3a\" FOREIGN KEY (\"source_id\") REFERENCES \"source\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"feed_item\" ADD CONSTRAINT \"FK_bfe48d4fdddb94ce914b5bff015\" FOREIGN KEY (\"source_id\") REFERENCES \"source\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"feed_item\" ADD CONSTRAINT \"FK_9c57d9de3811e52f80a2471f88e\" FOREIGN KEY (\"article_id\") REFERENCES \"article\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");

    // Reviewed additions that TypeORM cannot express (the entities declare them synchronize:false).
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    // Newest first with page order kept for equal dates: mixed directions need DESC here.
    await queryRunner.query('CREATE INDEX "IDX_feed_item_latest" ON "feed_item" ("published_at" DESC, "position", "id")');
    await queryRunner.query('CREATE INDEX "IDX_feed_item_source_latest" ON "feed_item" ("source_id", "published_at" DESC, "position", "id")');
    await queryRunner.query('CREATE INDEX "IDX_feed_item_language_latest" ON "feed_item" ("language", "published_at" DESC, "position", "id")');
    // Search without stemming ('simple'), so no language is cut with English rules, plus trigram
    // word similarity, so an inflected Bengali word (পুতিনের) finds its stem (পুতিন) and back.
    await queryRunner.query(`CREATE INDEX "IDX_article_search_fts" ON "article" USING GIN (to_tsvector('simple'::regconfig, "search_text"))`);
    await queryRunner.query('CREATE INDEX "IDX_article_search_trgm" ON "article" USING GIN ("search_text" gin_trgm_ops)');
    await queryRunner.query('CREATE INDEX "IDX_person_search_trgm" ON "person" USING GIN ("search_text" gin_trgm_ops)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX IF EXISTS "IDX_person_search_trgm"');
    await queryRunner.query('DROP INDEX IF EXISTS "IDX_article_search_trgm"');
    await queryRunner.query('DROP INDEX IF EXISTS "IDX_article_search_fts"');
    await queryRunner.query('DROP INDEX IF EXISTS "IDX_feed_item_language_latest"');
    await queryRunner.query('DROP INDEX IF EXISTS "IDX_feed_item_source_latest"');
    await queryRunner.query('DROP INDEX IF EXISTS "IDX_feed_item_latest"');
    await queryRunner.query("ALTER TABLE \"feed_item\" DROP CONSTRAINT \"FK_9c57d9de3811e52f80a2471f88e\"");
    await queryRunner.query("ALTER TABLE \"feed_item\" DROP CONSTRAINT \"FK_bfe48d4fdddb94ce914b5bff015\"");
    await queryRunner.query("ALTER TABLE \"article\" DROP CONSTRAINT \"FK_54c0990293f37869e42b1a59d3a\"");
    await queryRunner.query("ALTER TABLE \"article_cited_source\" DROP CONSTRAINT \"FK_d33aa9047b9b7071d4d74bf1721\"");
    await queryRunner.query("ALTER TABLE \"article_cited_source\" DROP CONSTRAINT \"FK_7ab12fa37328ec96f64f0fe5b2a\"");
    await queryRunner.query("ALTER TABLE \"article_mention\" DROP CONSTRAINT \"FK_bd03157390855d1952623849a35\"");
    await queryRunner.query("ALTER TABLE \"article_mention\" DROP CONSTRAINT \"FK_756fc243eb0439a81349ebbbb0f\"");
    await queryRunner.query("ALTER TABLE \"article_author\" DROP CONSTRAINT \"FK_a5bbaf88e36541948707e971abb\"");
    await queryRunner.query("ALTER TABLE \"article_author\" DROP CONSTRAINT \"FK_496fd25969750dc698a59944bf4\"");
    await queryRunner.query("DROP INDEX \"public\".\"UQ_feed_item_source_key\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_feed_item_article\"");
    await queryRunner.query("DROP TABLE \"feed_item\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_published\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_source_published\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_language_published\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_content_hash\"");
    await queryRunner.query("DROP INDEX \"public\".\"UQ_article_slug\"");
    await queryRunner.query("DROP INDEX \"public\".\"UQ_article_url\"");
    await queryRunner.query("DROP TABLE \"article\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_cited_source_source\"");
    await queryRunner.query("DROP TABLE \"article_cited_source\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_mention_person\"");
    await queryRunner.query("DROP TABLE \"article_mention\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_article_author_person\"");
    await queryRunner.query("DROP TABLE \"article_author\"");
    await queryRunner.query("DROP INDEX \"public\".\"UQ_source_slug\"");
    await queryRunner.query("DROP TABLE \"source\"");
    await queryRunner.query("DROP INDEX \"public\".\"UQ_person_slug\"");
    await queryRunner.query("DROP TABLE \"person\"");
  }
}
