import { loadConfigOrExit, type AppConfig } from '../config/config';
import { createLogger } from '../common/logger';
import { openDatabase, type DatabaseHandle } from '../db/data-source';
import { SqlExecutor } from '../db/sql-executor';
import type { Logger } from 'pino';

export interface CliContext {
  config: AppConfig;
  database: DatabaseHandle;
  db: SqlExecutor;
  logger: Logger;
}

/** Runs a command against the configured (migrated) database and always closes it. */
export async function withCliContext<T>(work: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevelExplicit ? config.logLevel : 'warn');
  const database = await openDatabase(config);
  try {
    return await work({ config, database, db: new SqlExecutor(database.dataSource, database.isOpen), logger });
  } finally {
    await database.close();
  }
}
