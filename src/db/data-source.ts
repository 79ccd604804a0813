import path from 'node:path';
import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { PGlite } from '@electric-sql/pglite';
import type { AppConfig } from '../config/config';
import { MIGRATIONS } from '../../migrations';
import { attachChangeSignals, ChangeSignals } from './change-signals';
import { describeCommand, type OwnerInfo } from './embedded/data-dir-lock';
import { openEmbedded, openPglite, type EmbeddedClient, type EmbeddedOwner, type EmbeddedRole } from './embedded/embedded-database';
import { CHANGES_CHANNEL } from './embedded/pglite-host';
import { attachNotifications, EmbeddedNotifications, PostgresNotifications } from './notifications';
import { statementObserverLogger } from './sql-executor';


export interface DatabaseHandle {
  dataSource: DataSource;
  /** 'postgres' for a server, 'pglite' for the embedded database. */
  kind: 'postgres' | 'pglite';
  /** False once the database is closed or, for the embedded one, gone. A function of its own: callers pass it on unbound. */
  readonly isOpen: () => boolean;
  /** The embedded database itself, when this process has it open (snapshots, diagnostics). */
  pglite?: PGlite;
  /**
   * An embedded DATA_DIR: `owner` when this process opened it, `client` when it runs through the
   * socket of the process that owns it (`owner` names that one).
   */
  embedded?: { access: 'owner' | 'client'; dataDir: string; owner?: OwnerInfo; engine?: EmbeddedOwner };
  close(): Promise<void>;
}

/**
 * Trigram word similarity at which a search word matches a stored word. 0.5 lets an inflected
 * Bengali form find its stem (পুতিনের → পুতিন scores 0.625, শরিফের → শরিফ 0.57) while unrelated
 * words sharing a letter or two stay out (পুতিনের → পুতুলের scores 0.375). Set per session because
 * the `<%` operator, the one GIN indexes serve, reads it from there.
 */
const WORD_SIMILARITY_THRESHOLD = 0.5;

const SESSION_SETTINGS = `-c pg_trgm.word_similarity_threshold=${WORD_SIMILARITY_THRESHOLD}`;

const common = {
  type: 'postgres',
  migrations: MIGRATIONS,
  migrationsTableName: 'migrations',
  migrationsTransactionMode: 'each',
  // Never: the schema changes only through reviewed migrations.
  synchronize: false,
  migrationsRun: false,
  // The trigram extension is created by a migration, not by TypeORM at connect time.
  installExtensions: false,
  // gen_random_uuid() is built into Postgres 13+; uuid-ossp would be one more extension to install.
  uuidExtension: 'pgcrypto',
  logging: false,
  // Logs nothing: it shows what managers and transactions send to the statement observer.
  logger: statementObserverLogger,
} as const;

/**
 * Builds (without initialising) the data source for the configured database: the Postgres server
 * at DATABASE_URL, or PGlite, real Postgres compiled to WebAssembly, in DATA_DIR.
 *
 * PGlite is reached through its own node-postgres adapter with TypeORM's ordinary postgres driver,
 * so both databases run the same driver, SQL and migrations. The pool holds one connection because
 * PGlite is one single-user backend; typeorm-pglite is avoided because it shares that backend
 * between "connections" and one transaction's rollback can undo another's committed rows.
 *
 * A DATA_DIR has one owner process at a time (embedded/data-dir-lock.ts). The owner's adapter
 * goes through PgliteHost (embedded/pglite-host.ts), which a gateway or worker also opens to other
 * newsgate processes on a Unix socket; a command started while such an owner runs reaches the
 * database through that socket with the ordinary pg driver, as it would a Postgres server.
 * `memory://` (tests) has one process by definition and uses PGlite directly.
 */
export interface BuildOptions {
  /** A PGlite data-directory snapshot (dumpDataDir) to start from: tests restore a migrated one. */
  pgliteSnapshot?: Blob | File;
  /**
   * How this process uses an embedded DATA_DIR (embedded/embedded-database.ts): `server` owns it
   * and serves newsgate commands (the gateway, the worker); `command` (the default) owns it alone
   * when it is free, or runs through the live server that owns it.
   */
  role?: EmbeddedRole;
  /**
   * TypeORM entities to register. The runtime reads and writes through SQL (sql-executor.ts) and
   * registers none; the migration generator passes every one (tools/migrations/entities.ts) to
   * diff them against the migrations. Taken from the caller because the entities live in the
   * domains, above db/.
   */
  entities?: DataSourceOptions['entities'];
}

type Entities = NonNullable<BuildOptions['entities']>;

/** The database the configuration names: a Postgres server, an in-memory PGlite, or DATA_DIR's. */
async function buildDataSource(config: AppConfig, options: BuildOptions = {}): Promise<DatabaseHandle> {
  const entities = options.entities ?? [];
  if (config.databaseUrl) return postgresHandle(config, config.databaseUrl, entities);
  if (config.dataDir === 'memory://') return inMemoryHandle(config.dataDir, options, entities);
  const embedded = await openEmbedded(config.dataDir, { role: options.role ?? 'command', snapshot: options.pgliteSnapshot });
  return embedded.kind === 'client' ? embeddedClientHandle(embedded, entities) : embeddedOwnerHandle(embedded, entities);
}

/** A pool of connections to a Postgres server, every statement with its deadline. */
function postgresHandle(config: AppConfig, databaseUrl: string, entities: Entities): DatabaseHandle {
  const statementTimeout = config.statementTimeoutMs;
  const options: DataSourceOptions = {
    ...common,
    entities,
    url: databaseUrl,
    poolSize: config.databasePoolSize,
    applicationName: 'newsgate',
    extra: {
      // Every statement has a deadline: a slow query fails with a clear error instead of
      // holding a pooled connection for as long as a client cares to wait.
      options: statementTimeout > 0 ? `${SESSION_SETTINGS} -c statement_timeout=${statementTimeout}` : SESSION_SETTINGS,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
    },
  };
  const dataSource = new DataSource(options);
  // LISTEN gets a connection of its own, opened when something first listens (src/events/).
  const notifications = new PostgresNotifications(databaseUrl);
  attachNotifications(dataSource, notifications);
  return {
    dataSource,
    kind: 'postgres',
    isOpen: () => dataSource.isInitialized,
    close: async () => {
      await notifications.close();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

/** A PGlite database in this process's memory (tests), gone when it closes. */
async function inMemoryHandle(dataDir: string, options: BuildOptions, entities: Entities): Promise<DatabaseHandle> {
  const pglite = await openPglite(dataDir, options.pgliteSnapshot);
  const dataSource = await pgliteDataSource(pglite, entities);
  attachChangeSignals(dataSource, new ChangeSignals());
  // The one connection of the pool runs LISTEN between transactions; PGlite hands each
  // notification in its output to onNotification.
  const notifications = new EmbeddedNotifications(async (channel) => {
    await dataSource.query(`LISTEN ${channel}`);
  });
  pglite.onNotification((channel, payload) => notifications.deliver(channel, payload));
  attachNotifications(dataSource, notifications);
  return {
    dataSource,
    kind: 'pglite',
    pglite,
    isOpen: () => dataSource.isInitialized && !pglite.closed,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      // Idempotent: shutdown paths may close twice.
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** A session on the embedded database another process owns, through the owner's socket. */
function embeddedClientHandle(embedded: EmbeddedClient, entities: Entities): DatabaseHandle {
  const socketDir = path.dirname(embedded.socket);
  const port = Number(/\.s\.PGSQL\.(\d+)$/.exec(embedded.socket)?.[1] ?? 5432);
  const dataSource = new DataSource({
    ...common,
    entities,
    host: socketDir,
    port,
    username: 'postgres',
    database: 'postgres',
    poolSize: 1,
    // How this session is named to the owner, as application_name is to a Postgres server.
    applicationName: `${describeCommand()} (pid ${process.pid})`.slice(0, 63),
    extra: { max: 1, connectionTimeoutMillis: 10_000 },
  });
  // What this process changes, the owner hears at once (its caches end before its next request).
  attachChangeSignals(dataSource, new ChangeSignals((name) => dataSource.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, name]).then(() => undefined)));
  return {
    dataSource,
    kind: 'pglite',
    embedded: { access: 'client', dataDir: embedded.dataDir, owner: embedded.owner },
    isOpen: () => dataSource.isInitialized,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

/** The embedded database this process owns, and serves to the others. */
async function embeddedOwnerHandle(embedded: EmbeddedOwner, entities: Entities): Promise<DatabaseHandle> {
  const dataSource = await pgliteDataSource(embedded.host.ownerConnection(), entities).catch(async (error: unknown) => {
    await embedded.close();
    throw error;
  });
  attachChangeSignals(dataSource, embedded.changes);
  attachNotifications(dataSource, embedded.notifications);
  return {
    dataSource,
    kind: 'pglite',
    pglite: embedded.pglite,
    embedded: { access: 'owner', dataDir: embedded.dataDir, engine: embedded },
    isOpen: () => dataSource.isInitialized && !embedded.pglite.closed,
    close: async () => {
      try {
        if (dataSource.isInitialized) await dataSource.destroy();
      } finally {
        // Idempotent: shutdown paths may close twice.
        await embedded.close();
      }
    },
  };
}

/** TypeORM's postgres driver over PGlite's node-postgres adapter (one connection). */
async function pgliteDataSource(pglite: PGlite, entities: Entities): Promise<DataSource> {
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  // PGlite itself, or PgliteHost's connection that stands in for it.
  const pgConfig = createPgConfig(pglite as unknown as Parameters<typeof createPgConfig>[0] & object);
  return new DataSource({
    ...common,
    entities,
    poolSize: 1,
    extra: {
      connection: pgConfig.connection,
      user: pgConfig.user,
      password: pgConfig.password,
      database: pgConfig.database,
      host: pgConfig.host,
      port: pgConfig.port,
      max: 1,
      // The adapter's connection object cannot be reopened once the pool ends it.
      idleTimeoutMillis: 0,
    },
  });
}

/** Builds, initialises and migrates: what the server, the worker and the CLI all start with. */
export async function openDatabase(config: AppConfig, options: BuildOptions = {}): Promise<DatabaseHandle> {
  const handle = await buildDataSource(config, options);
  try {
    await handle.dataSource.initialize();
    // PGlite's one session takes no startup options: the same settings, set once.
    if (handle.kind === 'pglite') await handle.dataSource.query(`SET pg_trgm.word_similarity_threshold = ${WORD_SIMILARITY_THRESHOLD}`);
    const migrate = () => handle.dataSource.runMigrations({ transaction: 'each' });
    await (config.databaseUrl ? withMigrationLock(config.databaseUrl, migrate) : migrate());
    // Other processes come in once the schema is current.
    if (options.role === 'server') await handle.embedded?.engine?.serve();
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  return handle;
}

/** Any fixed number: every newsgate process migrating this database takes the same lock. */
const MIGRATION_LOCK_KEY = 0x6e657773; // "news"

/**
 * Gateways and workers all migrate at start, and a deployment starts several at once: without a
 * lock two of them both see a migration as pending and the second fails half-way. The lock is held
 * on a connection of its own, outside the pool (whatever its size) and its statement_timeout, so a
 * process waits for as long as another one's migrations take.
 */
async function withMigrationLock<T>(databaseUrl: string, work: () => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'newsgate-migrations', connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}
