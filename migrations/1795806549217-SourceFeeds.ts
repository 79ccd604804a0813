import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SourceFeeds1795806549217 implements MigrationInterface {
  name = 'SourceFeeds1795806549217';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"source_feed\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"source_id\" uuid NOT NULL, \"url\" text NOT NULL, \"position\" smallint NOT NULL, \"etag\" text, \"last_modified\" text, \"last_fetched_at\" TIMESTAMP WITH TIME ZONE, \"last_status\" smallint, \"last_error\" text, \"items_seen\" integer NOT NULL DEFAULT '0', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_96c850f65c4d5b7020af70060a8\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_source_feed_source_url\" ON \"source_feed\"  (\"source_id\", \"url\") ");
    await queryRunner.query("CREATE TABLE \"source_fetch_state\" (\"source_id\" uuid NOT NULL, \"interval_minutes\" integer NOT NULL, \"time_zone\" character varying(64), \"state\" character varying(16) NOT NULL DEFAULT 'active', \"next_run_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"last_attempt_at\" TIMESTAMP WITH TIME ZONE, \"last_success_at\" TIMESTAMP WITH TIME ZONE, \"last_error\" text, \"last_error_at\" TIMESTAMP WITH TIME ZONE, \"consecutive_failures\" integer NOT NULL DEFAULT '0', \"items_seen\" integer NOT NULL DEFAULT '0', \"items_seen_total\" integer NOT NULL DEFAULT '0', \"lease_owner\" text, \"lease_until\" TIMESTAMP WITH TIME ZONE, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_5ba3fd6916b57d6d6fc07ef9b64\" PRIMARY KEY (\"source_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_source_fetch_state_due\" ON \"source_fetch_state\"  (\"state\", \"next_run_at\") ");
    await queryRunner.query("ALTER TABLE \"source_feed\" ADD CONSTRAINT \"FK_dcafc53ea60461b85aeb8ac8d4d\" FOREIGN KEY (\"source_id\") REFERENCES \"source\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"source_fetch_state\" ADD CONSTRAINT \"FK_5ba3fd6916b57d6d6fc07ef9b64\" FOREIGN KEY (\"source_id\") REFERENCES \"source\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"source_fetch_state\" DROP CONSTRAINT \"FK_5ba3fd6916b57d6d6fc07ef9b64\"");
    await queryRunner.query("ALTER TABLE \"source_feed\" DROP CONSTRAINT \"FK_dcafc53ea60461b85aeb8ac8d4d\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_source_fetch_state_due\"");
    await queryRunner.query("DROP TABLE \"source_fetch_state\"");
    await queryRunner.query("DROP INDEX \"public\".\"UQ_source_feed_source_url\"");
    await queryRunner.query("DROP TABLE \"source_feed\"");
  }
}
