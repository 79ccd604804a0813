import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/config';
import type { SourceRegistryRepository } from '../../source/source-registry.repository';
import type { IngestService } from '../ingest.service';
import type { IngestWorker } from './worker';

const INGEST_QUEUE = 'ingest-source';
const STOP_WAIT_MS = 30_000;

interface IngestJob {
  sourceId: string;
}

/**
 * The worker on Postgres: a pg-boss queue that any number of worker processes share. Every
 * process polls for due sources and enqueues one job per source; the queue's `stately` policy
 * with the source id as singleton key keeps at most one job queued and one active per source,
 * and the run's lease (claimed only while the source is still due) makes a job that arrives
 * after another process already ran the source do nothing.
 */
export class PgBossWorker implements IngestWorker {
  readonly kind = 'pg-boss' as const;
  private readonly id = `worker-${randomUUID()}`;
  private boss: PgBoss | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly databaseUrl: string,
    private readonly registry: SourceRegistryRepository,
    private readonly ingest: IngestService,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.databaseUrl,
      application_name: 'newsgate-worker',
      // Workers poll on their own connections, apart from the API's pool.
      max: Math.min(this.config.worker.concurrency + 2, 10),
      // No cron: due sources are found by polling source_fetch_state, where each source's interval lives.
      schedule: false,
    });
    boss.on('error', (err) => this.logger.error({ err }, 'pg-boss error'));
    await boss.start();
    this.boss = boss;
    await boss.createQueue(INGEST_QUEUE, {
      name: INGEST_QUEUE,
      policy: 'stately',
      // A failed run is recorded on the source and retried on its own schedule (with backoff).
      retryLimit: 0,
      expireInSeconds: 15 * 60,
    });
    for (let i = 0; i < this.config.worker.concurrency; i++) {
      await boss.work<IngestJob>(INGEST_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
        if (job) await this.ingest.runSource(job.data.sourceId, { owner: this.id, onlyIfDue: true });
      });
    }
    this.timer = setInterval(() => void this.enqueueDue(), this.config.worker.pollIntervalSeconds * 1000);
    this.timer.unref();
    this.logger.info({ worker: this.id, concurrency: this.config.worker.concurrency }, 'ingest worker started (pg-boss)');
    await this.enqueueDue();
  }

  /** One job per due source; a source already queued is skipped by the queue policy. */
  async enqueueDue(): Promise<number> {
    if (!this.boss) return 0;
    let queued = 0;
    try {
      for (const sourceId of await this.registry.dueSourceIds(500)) {
        if (await this.boss.send(INGEST_QUEUE, { sourceId }, { singletonKey: sourceId })) queued++;
      }
    } catch (err) {
      this.logger.error({ err }, 'could not enqueue due sources');
    }
    return queued;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const boss = this.boss;
    this.boss = null;
    await boss?.stop({ graceful: true, wait: true, timeout: STOP_WAIT_MS });
  }
}
