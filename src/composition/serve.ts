import 'reflect-metadata';
import type { Server } from 'node:http';
import { loadConfigOrExit } from '../config/config';
import { createLogger } from '../common/logger';
import { openDatabase } from '../db/data-source';
import { SqlExecutor } from '../db/sql-executor';
import { createGateway } from './gateway';
import { connectionDrain } from '../http/connection-drain';
import { endpointSummary, endpointUrls } from '../http/endpoint-urls';
import { createIngestWorker } from '../ingest/scheduler/ingest-worker';
import { databaseFailure } from './exit-codes';
import { seedIfEmpty } from '../seed/seed';

/**
 * start-up: config → database (migrated) → sample data on an empty embedded database → HTTP, and
 * the ingest worker in the same process (WORKER_ENABLED): pg-boss on Postgres, the in-process
 * scheduler on the embedded database, which no other process can share.
 * `npm start` (src/main.ts) and `newsgate serve` (src/cli/commands.ts) both run serve().
 */
export interface ServeOptions {
  /** Override PORT and HOST. */
  port?: number;
  host?: string;
}

export async function serve(options: ServeOptions = {}): Promise<void> {
  const loaded = loadConfigOrExit();
  const config = { ...loaded, port: options.port ?? loaded.port, host: options.host ?? loaded.host };
  const logger = createLogger(config.logLevel);
  // The gateway owns an embedded DATA_DIR and lets newsgate commands in through it.
  const database = await openDatabase(config, { role: 'server' }).catch((error: unknown) => {
    throw databaseFailure(error);
  });
  logger.info({ database: database.kind, dataDir: database.kind === 'pglite' ? config.dataDir : undefined }, 'database ready, migrations applied');
  const owner = database.embedded?.engine;
  if (owner) logger.info({ pid: process.pid }, `embedded database: this process owns ${owner.dataDir}; newsgate commands run through it`);
  const db = new SqlExecutor(database.dataSource, database.isOpen);
  if (config.seedOnEmpty && database.kind === 'pglite') {
    const seeded = await seedIfEmpty(db, logger);
    if (seeded) logger.info('empty embedded database: loaded the bundled sample page');
  }
  const gateway = await createGateway({ config, db, logger });
  const server: Server = await gateway.listen(config.port, config.host);
  const connections = connectionDrain(server);
  const urls = endpointUrls(listeningBase(server, config.host), config);
  logger.info({ urls }, `newsgate listening: ${endpointSummary(urls)}`);
  // The worker shares the gateway's ingest service, so what it stores ends cached responses at once.
  const worker = config.worker.enabled ? createIngestWorker({ config, database, db, ingest: gateway.services.ingest, logger }) : null;
  await worker?.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Stop accepting (new connections are refused), let in-flight requests finish within the grace
    // (SHUTDOWN_GRACE_SECONDS), then cut what is left. server.close() drops only the keep-alive
    // sockets idle at that moment: a socket whose request was in flight turns idle when its
    // response ends, and the sweep closes it then instead of after the keep-alive timeout.
    // Done means the connections closed and the handlers returned: a client that gave up leaves a
    // handler running with no connection, and the database must outlive it.
    // Answers still to come say `Connection: close`: no client sends another request on a socket about to go.
    connections.drain();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const grace = new Promise<false>((resolve) => setTimeout(() => resolve(false), config.shutdownGraceSeconds * 1000).unref());
    // drained: every connection closed and every handler returned within the grace; false: the rest was cut.
    const drained = await Promise.race([Promise.all([closed, gateway.idle()]).then(() => true), grace]);
    clearInterval(sweep);
    server.closeAllConnections();
    await worker?.stop().catch((err) => logger.error({ err }, 'ingest worker stop failed'));
    await gateway.stop().catch((err) => logger.error({ err }, 'apollo stop failed'));
    await database.close().catch((err) => logger.error({ err }, 'database close failed'));
    logger.info({ signal, drained }, 'shutdown complete');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** http://host:port of the listening server, as a browser on this machine opens it (localhost for every interface). */
function listeningBase(server: Server, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const name = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}
