import pino, { type Logger } from 'pino';
import { loadConfig, type AppConfig } from '../config/config';
import { createLogger } from '../common/logger';
import type { DatabaseHandle } from '../db/data-source';
import type { EmbeddedRole } from '../db/embedded/embedded-database';
import { SqlExecutor } from '../db/sql-executor';
import { databaseFailure } from '../composition/exit-codes';

export interface CliContext {
  config: AppConfig;
  database: DatabaseHandle;
  db: SqlExecutor;
  logger: Logger;
}

/** The CLI's logs go to stderr: stdout is for what scripts read. */
export function createCliLogger(level: string): Logger {
  return createLogger(level, pino.destination({ dest: 2, sync: true }));
}

export interface CliContextOptions {
  /**
   * `server` for long-running commands (`newsgate worker`): they own an embedded DATA_DIR and let
   * other commands in. Every other command runs through such an owner when one is running.
   */
  role?: EmbeddedRole;
}

/**
 * Runs a command against the configured (migrated) database and always closes it. Invalid
 * configuration throws ConfigError (exit code 2), a database that cannot be opened or migrated
 * a CliError with exit code 3 (src/composition/exit-codes.ts).
 */
export async function withCliContext<T>(work: (ctx: CliContext) => Promise<T>, options: CliContextOptions = {}): Promise<T> {
  const config = loadConfig();
  const logger = createCliLogger(config.logLevelExplicit ? config.logLevel : 'warn');
  // Loaded here, not at the top: TypeORM and the entities cost ~0.4 s that `--help` need not pay.
  // A require(), not `await import()`: under "module": "node16" TypeScript keeps import() as it is
  // in CommonJS output, where it bypasses the require hooks of ts-node and test/support/swc-register.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  const { openDatabase } = require('../db/data-source') as typeof import('../db/data-source');
  const database = await openDatabase(config, { role: options.role }).catch((error: unknown) => {
    throw databaseFailure(error);
  });
  try {
    return await work({ config, database, db: new SqlExecutor(database.dataSource, database.isOpen), logger });
  } finally {
    await database.close();
  }
}
