import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `story_key_latest(key, until, max_rows)`: the latest rows of one story_key key up to a time, for
 * clustering's candidate look-up (src/story/story-write.repository.ts), read by a backward scan of
 * the primary key that stops after `max_rows`, whatever the statistics say.
 *
 * The look-up's keys come from a lateral join, so the planner estimates every key at the table's
 * average, a row or a few (most keys are one article's shingle bands). A key that thousands of
 * copies of one wire text share then looked cheap to read whole: a bitmap scan of every row of
 * the key and a sort, 3,000 rows for 30 (26 keys of a 50-item batch: 15,000 buffers, 21 ms, half
 * the Postgres time of storing the batch). ANALYZE does not help, since the estimate is the
 * average. Within this function bitmap scans are off (a function's SET clause applies while its
 * body is planned and run), which leaves the ordered index scan, the plan that is right for a
 * rare key and a hot one alike. The function is not inlined (the SET clause prevents it); it is
 * planned once per statement that calls it.
 */
export class StoryKeyLatest1796695000000 implements MigrationInterface {
  name = 'StoryKeyLatest1796695000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION story_key_latest(lookup_key bigint, until timestamptz, max_rows int)
      RETURNS TABLE (article_id uuid, published_at timestamptz)
      LANGUAGE sql STABLE
      SET enable_bitmapscan = off
      AS $$
        SELECT s.article_id, s.published_at FROM story_key s
        WHERE s.key = lookup_key AND s.published_at <= until
        ORDER BY s.published_at DESC, s.article_id DESC
        LIMIT max_rows
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION story_key_latest(bigint, timestamptz, int)`);
  }
}
