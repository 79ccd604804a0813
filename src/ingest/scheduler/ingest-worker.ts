/** The ingest scheduler: which worker runs due sources (pg-boss on Postgres, in-process on PGlite), built here. */
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/config';
import type { DatabaseHandle } from '../../db/data-source';
import type { SqlExecutor } from '../../db/sql-executor';
import { SourceRegistryRepository } from '../../source/source-registry.repository';
import type { IngestService } from '../ingest.service';
import { InProcessWorker } from './in-process.worker';
import { PgBossWorker } from './pg-boss.worker';
import type { IngestWorker } from './worker';

export type { IngestWorker } from './worker';

export interface WorkerDeps {
  config: AppConfig;
  database: DatabaseHandle;
  db: SqlExecutor;
  ingest: IngestService;
  logger: Logger;
}

/**
 * On Postgres, a pg-boss queue shared by any number of worker processes; on the embedded PGlite
 * (one process, one connection), an in-process scheduler running the same job handler. Either
 * way a run first claims its source (source_fetch_state's lease), so no source is fetched twice
 * at once, whatever queue delivered the job.
 */
export function createIngestWorker(deps: WorkerDeps): IngestWorker {
  const registry = new SourceRegistryRepository(deps.db);
  return deps.database.kind === 'postgres' && deps.config.databaseUrl
    ? new PgBossWorker(deps.config, deps.config.databaseUrl, registry, deps.ingest, deps.logger)
    : new InProcessWorker(deps.config, registry, deps.ingest, deps.logger);
}
