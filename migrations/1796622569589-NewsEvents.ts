import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The news events (src/events/): the table of what ingestion added, the sequence that numbers its
 * rows, and news_event_announce(), which the store's last statement of a batch calls in the
 * batch's transaction. It returns at once when there is nothing to announce; otherwise it takes a
 * transaction-level advisory lock, held until the transaction ends, before drawing numbers, so
 * numbers follow commit order: a reader that has seen number n has seen, or can still read from
 * the table, every committed number below it. Ids go 150 to a row and to a NOTIFY, whose payload
 * (about 6,000 bytes then) must stay under Postgres' 8,000. Rows older than a day are removed.
 */
export class NewsEvents1796622569589 implements MigrationInterface {
  name = 'NewsEvents1796622569589';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"news_event\" (\"seq\" bigint NOT NULL, \"kind\" character varying(32) NOT NULL, \"ids\" uuid array NOT NULL, \"stored_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_4eb560434254bd20b1355858487\" PRIMARY KEY (\"seq\"))");
    await queryRunner.query("CREATE INDEX \"IDX_news_event_stored_at\" ON \"news_event\"  (\"stored_at\") ");
    await queryRunner.query('CREATE SEQUENCE "news_event_seq" AS bigint');
    await queryRunner.query(`
      CREATE FUNCTION news_event_announce(article_ids uuid[], feed_item_ids uuid[]) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE
        per_row constant integer := 150;
        announced integer := 0;
        kinds constant text[] := ARRAY['articlePublished', 'feedItemAdded'];
        id_list uuid[];
        chunk uuid[];
        next_seq bigint;
      BEGIN
        IF coalesce(cardinality(article_ids), 0) = 0 AND coalesce(cardinality(feed_item_ids), 0) = 0 THEN
          RETURN 0;
        END IF;
        PERFORM pg_advisory_xact_lock(7954880386939532403);
        DELETE FROM news_event WHERE stored_at < now() - interval '1 day';
        FOR k IN 1 .. 2 LOOP
          id_list := CASE k WHEN 1 THEN article_ids ELSE feed_item_ids END;
          CONTINUE WHEN coalesce(cardinality(id_list), 0) = 0;
          FOR start_at IN 1 .. cardinality(id_list) BY per_row LOOP
            chunk := id_list[start_at : start_at + per_row - 1];
            next_seq := nextval('news_event_seq');
            INSERT INTO news_event (seq, kind, ids) VALUES (next_seq, kinds[k], chunk);
            PERFORM pg_notify('newsgate_news_events', json_build_object('seq', next_seq, 'kind', kinds[k], 'ids', chunk)::text);
            announced := announced + 1;
          END LOOP;
        END LOOP;
        RETURN announced;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION news_event_announce(uuid[], uuid[])');
    await queryRunner.query('DROP SEQUENCE "news_event_seq"');
    await queryRunner.query("DROP INDEX \"public\".\"IDX_news_event_stored_at\"");
    await queryRunner.query("DROP TABLE \"news_event\"");
  }
}
