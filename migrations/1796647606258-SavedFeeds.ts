import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved feeds (issue 12 §2): a partner key's named filters of the latest headlines, served at
 * /feeds/saved/<id>.{rss,atom,json}. The owner is the key's row (null for an admin's feed).
 */
export class SavedFeeds1796647606258 implements MigrationInterface {
  name = 'SavedFeeds1796647606258';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"saved_feed\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"owner_key_id\" uuid, \"name\" text NOT NULL, \"source_ids\" uuid array NOT NULL DEFAULT '{}', \"person_ids\" uuid array NOT NULL DEFAULT '{}', \"language\" character varying(35), \"search\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_3eac6d8d5bf7fb646312c4680f6\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_saved_feed_owner\" ON \"saved_feed\"  (\"owner_key_id\", \"created_at\", \"id\") ");
    await queryRunner.query("ALTER TABLE \"saved_feed\" ADD CONSTRAINT \"FK_ad93d96baea4dd85718b7e599bf\" FOREIGN KEY (\"owner_key_id\") REFERENCES \"api_key\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"saved_feed\" DROP CONSTRAINT \"FK_ad93d96baea4dd85718b7e599bf\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_saved_feed_owner\"");
    await queryRunner.query("DROP TABLE \"saved_feed\"");
  }
}
