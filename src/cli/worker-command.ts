import type { Server } from 'node:http';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { createLogger } from '../common/logger';
import type { IngestService } from '../ingest/ingest.service';
import { WorkerMetrics } from '../metrics/metrics';
import { startWorkerHttp } from '../http/metrics-endpoint';
import type { CliContext } from './cli-context';
import type { CliRunner, StopSignal } from './command-io';
import { ingestStack, withIngest } from './ingest-stack';

/** `newsgate worker`: the ingest worker alone, with its health and metrics endpoint. */
export function registerWorkerCommand(program: Command, run: CliRunner, stopSignal: StopSignal): void {
  program
    .command('worker')
    .description('run the ingest worker alone: fetch due sources on their schedule until SIGINT/SIGTERM')
    // A long-running process: it owns an embedded DATA_DIR and lets newsgate commands in.
    .action(() => run((ctx) => runWorker(ctx, stopSignal), { role: 'server' }));
}

async function runWorker(ctx: CliContext, stopSignal: StopSignal): Promise<void> {
  const logger = createLogger(ctx.config.logLevel);
  await withIngest({ ...ctx, logger }, async ({ ingest }) => {
    if (ctx.database.kind === 'pglite') {
      logger.warn('embedded database: this worker owns DATA_DIR (newsgate commands run through it, a gateway cannot start on it); run gateways and several workers on Postgres (DATABASE_URL)');
    }
    // WORKER_HTTP_PORT: /healthz, and the ingestion counters at /metrics (METRICS, METRICS_TOKEN as the gateway's).
    const metrics = ctx.config.metrics.enabled ? new WorkerMetrics() : null;
    if (metrics) ingest.observe(metrics.ingest);
    const { httpPort } = ctx.config.worker;
    const http =
      httpPort === null ? null : await startWorkerHttp({ port: httpPort, host: ctx.config.host, registry: metrics?.registry ?? null, token: ctx.config.metrics.token, logger });
    try {
      await workUntilStopped({ ...ctx, logger }, ingest, stopSignal);
    } finally {
      if (http) await closeHttp(http);
      metrics?.registry.clear();
    }
  });
}

async function workUntilStopped(ctx: CliContext & { logger: Logger }, ingest: IngestService, stopSignal: StopSignal): Promise<void> {
  const worker = ingestStack().createIngestWorker({ config: ctx.config, database: ctx.database, db: ctx.db, ingest, logger: ctx.logger });
  await worker.start();
  await stopSignal();
  ctx.logger.info('stopping the ingest worker');
  await worker.stop();
}

async function closeHttp(http: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  http.closeAllConnections();
  await closed;
}
