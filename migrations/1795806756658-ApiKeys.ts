import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeys1795806756658 implements MigrationInterface {
  name = 'ApiKeys1795806756658';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"api_key\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"key_id\" character varying(32) NOT NULL, \"name\" text NOT NULL, \"secret_hash\" character varying(64) NOT NULL, \"allowed_origins\" text array NOT NULL DEFAULT '{}', \"allowed_operations\" text array, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"revoked_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_b1bd840641b8acbaad89c3d8d11\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_api_key_key_id\" ON \"api_key\"  (\"key_id\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"UQ_api_key_key_id\"");
    await queryRunner.query("DROP TABLE \"api_key\"");
  }
}
