import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * published_at_claimed on articles and feed items: the publisher's date when it was more than ten
 * minutes past the fetch time and published_at became the fetch time (src/ingest/parser/feed-date.ts).
 * Rows stored before that rule with such dates are clamped the same way, to the time they were
 * stored, so a `01 Jan 9999` item already in the database leaves the top of the lists too.
 */
export class ClampedPublicationDates1796592514098 implements MigrationInterface {
  name = 'ClampedPublicationDates1796592514098';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"article\" ADD \"published_at_claimed\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query("ALTER TABLE \"feed_item\" ADD \"published_at_claimed\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query(
      "UPDATE \"feed_item\" SET \"published_at_claimed\" = \"published_at\", \"published_at\" = LEAST(\"created_at\", now()) WHERE \"published_at\" > now() + interval '10 minutes'",
    );
    await queryRunner.query(
      "UPDATE \"article\" SET \"published_at_claimed\" = \"published_at\", \"published_at\" = LEAST(\"created_at\", now()) WHERE \"published_at\" > now() + interval '10 minutes'",
    );
    await queryRunner.query(
      "UPDATE \"article\" SET \"updated_at\" = GREATEST(\"published_at\", LEAST(\"created_at\", now())) WHERE \"updated_at\" > now() + interval '10 minutes'",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("UPDATE \"feed_item\" SET \"published_at\" = \"published_at_claimed\" WHERE \"published_at_claimed\" IS NOT NULL");
    await queryRunner.query("UPDATE \"article\" SET \"published_at\" = \"published_at_claimed\" WHERE \"published_at_claimed\" IS NOT NULL");
    await queryRunner.query("ALTER TABLE \"feed_item\" DROP COLUMN \"published_at_claimed\"");
    await queryRunner.query("ALTER TABLE \"article\" DROP COLUMN \"published_at_claimed\"");
  }
}
