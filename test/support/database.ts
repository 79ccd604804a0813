import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { loadConfig, type AppConfig } from '../../src/config/config';
import { openDatabase, type DatabaseHandle } from '../../src/db/data-source';

/**
 * A database of its own for one test file, built from the real migrations: a fresh database on
 * the Postgres server when DATABASE_URL is set (dropped afterwards), otherwise an in-memory PGlite
 * restored from a snapshot that global setup migrated once (initdb in WebAssembly takes seconds).
 */
export interface TestDatabase {
  handle: DatabaseHandle;
  config: AppConfig;
  drop(): Promise<void>;
}

export function usingPostgresServer(): boolean {
  return Boolean(process.env.DATABASE_URL);
}

export async function createTestDatabase(overrides: Partial<AppConfig> = {}): Promise<TestDatabase> {
  // No periodic webhook look-up (a statement outside requests) beside the suite's statement counts.
  const base = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: process.env.DATABASE_URL, GRAPHQL_COMPILE_AFTER: process.env.GRAPHQL_COMPILE_AFTER ?? '1', WEBHOOK_ACTIVATION_CHECK_SECONDS: '0' });
  if (!base.databaseUrl) {
    const config = { ...base, dataDir: 'memory://', ...overrides };
    const handle = await openDatabase(config, { pgliteSnapshot: migratedSnapshot() });
    return { handle, config, drop: () => handle.close() };
  }
  const name = `newsgate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(base.databaseUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(base.databaseUrl);
  url.pathname = `/${name}`;
  const config = { ...base, databaseUrl: url.toString(), databasePoolSize: 4, ...overrides };
  const handle = await openDatabase(config);
  return {
    handle,
    config,
    drop: async () => {
      await handle.close();
      await withAdminClient(base.databaseUrl!, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/**
 * The migrated data directory global setup saved (test/support/global-setup.ts), as a Blob for
 * PGlite's loadDataDir; undefined outside jest's global setup (PGlite then runs initdb).
 */
function migratedSnapshot(): Blob | undefined {
  const file = process.env.NEWSGATE_PGLITE_SNAPSHOT;
  return file && existsSync(file) ? new BytesBlob(readFileSync(file)) : undefined;
}

/**
 * A Blob over bytes already in memory, handing them over as they are: all that loadDataDir asks
 * of it is arrayBuffer(), which Node's own Blob answers by copying its 40 MB through a stream
 * (a quarter of a second per restore, half a second in a test file).
 */
class BytesBlob extends Blob {
  readonly #data: Buffer;

  constructor(data: Buffer) {
    super([]);
    this.#data = data;
    Object.defineProperty(this, 'size', { value: data.length });
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    const { buffer, byteOffset, length } = this.#data;
    return Promise.resolve(byteOffset === 0 && length === buffer.byteLength ? (buffer as ArrayBuffer) : (buffer.slice(byteOffset, byteOffset + length) as ArrayBuffer));
  }
}

async function withAdminClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
