import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhooks (src/webhook/): `webhook` (a partner key's or an admin's; the key's deletion
 * deletes them), `webhook_delivery` (one message per webhook and event subject, unique on
 * (webhook_id, event_key) so that however many gateways hear an event one message is inserted,
 * with its retry state) and `webhook_delivery_attempt` (every attempt, listed newest first).
 */
export class Webhooks1796660000000 implements MigrationInterface {
  name = 'Webhooks1796660000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"webhook\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"api_key_id\" uuid, \"url\" text NOT NULL, \"events\" character varying(32) array NOT NULL, \"filter\" jsonb NOT NULL DEFAULT '{}', \"secret\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"failing_since\" TIMESTAMP WITH TIME ZONE, \"disabled_at\" TIMESTAMP WITH TIME ZONE, \"disabled_reason\" text, CONSTRAINT \"PK_e6765510c2d078db49632b59020\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_webhook_api_key_id\" ON \"webhook\"  (\"api_key_id\") ");
    await queryRunner.query("CREATE TABLE \"webhook_delivery\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"webhook_id\" uuid NOT NULL, \"event_key\" character varying(80) NOT NULL, \"type\" character varying(40) NOT NULL, \"body\" text NOT NULL, \"state\" character varying(16) NOT NULL DEFAULT 'PENDING', \"attempts\" integer NOT NULL DEFAULT '0', \"next_attempt_at\" TIMESTAMP WITH TIME ZONE DEFAULT now(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_b1ae290239a778f12399db91354\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_webhook_delivery_pending\" ON \"webhook_delivery\"  (\"state\", \"next_attempt_at\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_webhook_delivery_event\" ON \"webhook_delivery\"  (\"webhook_id\", \"event_key\") ");
    await queryRunner.query("CREATE TABLE \"webhook_delivery_attempt\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"delivery_id\" uuid NOT NULL, \"webhook_id\" uuid NOT NULL, \"attempt\" integer NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"status\" character varying(16) NOT NULL, \"response_status\" integer, \"duration_ms\" integer NOT NULL, \"error\" text, CONSTRAINT \"PK_e6efad829bd07e78a18fd0ad5d5\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_webhook_delivery_attempt_delivery\" ON \"webhook_delivery_attempt\"  (\"delivery_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_webhook_delivery_attempt_webhook\" ON \"webhook_delivery_attempt\"  (\"webhook_id\", \"at\", \"id\") ");
    await queryRunner.query("ALTER TABLE \"webhook\" ADD CONSTRAINT \"FK_f6982b6b5446bdb87d0b1e56cad\" FOREIGN KEY (\"api_key_id\") REFERENCES \"api_key\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"webhook_delivery\" ADD CONSTRAINT \"FK_ef25cc28dcf88ea3dd81f39af2d\" FOREIGN KEY (\"webhook_id\") REFERENCES \"webhook\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"webhook_delivery_attempt\" ADD CONSTRAINT \"FK_d6b1ad59ea81fa8680d8e7cab82\" FOREIGN KEY (\"delivery_id\") REFERENCES \"webhook_delivery\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"webhook_delivery_attempt\" ADD CONSTRAINT \"FK_4a7b469de89dc12b9c4eb576f93\" FOREIGN KEY (\"webhook_id\") REFERENCES \"webhook\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"webhook_delivery_attempt\" DROP CONSTRAINT \"FK_4a7b469de89dc12b9c4eb576f93\"");
    await queryRunner.query("ALTER TABLE \"webhook_delivery_attempt\" DROP CONSTRAINT \"FK_d6b1ad59ea81fa8680d8e7cab82\"");
    await queryRunner.query("ALTER TABLE \"webhook_delivery\" DROP CONSTRAINT \"FK_ef25cc28dcf88ea3dd81f39af2d\"");
    await queryRunner.query("ALTER TABLE \"webhook\" DROP CONSTRAINT \"FK_f6982b6b5446bdb87d0b1e56cad\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_webhook_delivery_attempt_webhook\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_webhook_delivery_attempt_delivery\"");
    await queryRunner.query("DROP TABLE \"webhook_delivery_attempt\"");
    await queryRunner.query("DROP INDEX \"public\".\"UQ_webhook_delivery_event\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_webhook_delivery_pending\"");
    await queryRunner.query("DROP TABLE \"webhook_delivery\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_webhook_api_key_id\"");
    await queryRunner.query("DROP TABLE \"webhook\"");
  }
}
