import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { MIGRATIONS } from '../../migrations';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';
import { usingPostgresServer } from '../support/database';

/**
 * A deployment starts several gateways and workers against one new Postgres at once (see
 * docker-compose.yml): each migrates at start, and none may fail because another is migrating.
 */
const postgresOnly = usingPostgresServer() ? it : it.skip;

describe('migrations on a shared Postgres', () => {
  postgresOnly('let four processes start on one empty database at once, applying each migration once', async () => {
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const name = `newsgate_migrate_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const config = { ...loadConfig({ DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' }), databasePoolSize: 1 };
    const handles = await Promise.all(Array.from({ length: 4 }, () => openDatabase(config)));
    try {
      const rows = await handles[0]!.dataSource.query('SELECT name FROM migrations ORDER BY id');
      expect(rows.map((row: { name: string }) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
