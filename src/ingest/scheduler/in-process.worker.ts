import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/config';
import type { SourceRegistryRepository } from '../../source/source-registry.repository';
import type { IngestService } from '../ingest.service';
import type { IngestWorker } from './worker';

const STOP_WAIT_MS = 30_000;

/**
 * The scheduler of the embedded database: PGlite is one process with one connection, so no
 * other process can share its queue. Every poll it takes due sources up to the concurrency and
 * runs them with the same handler the pg-boss worker uses; the lease still guards each run (an
 * admin's refreshSource may be fetching the same source).
 */
export class InProcessWorker implements IngestWorker {
  readonly kind = 'in-process' as const;
  private readonly id = `worker-${randomUUID()}`;
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SourceRegistryRepository,
    private readonly ingest: IngestService,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.timer = setInterval(() => void this.tick(), this.config.worker.pollIntervalSeconds * 1000);
    this.timer.unref();
    this.logger.info({ worker: this.id, concurrency: this.config.worker.concurrency }, 'ingest worker started (in-process scheduler)');
    void this.tick();
  }

  /** Starts runs for due sources while there is room; exposed for tests. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const room = this.config.worker.concurrency - this.running.size;
      if (room <= 0) return;
      const due = (await this.registry.dueSourceIds(room + this.running.size)).filter((id) => !this.running.has(id)).slice(0, room);
      for (const sourceId of due) {
        const run = this.ingest
          .runSource(sourceId, { owner: this.id, onlyIfDue: true })
          .then(() => undefined)
          .catch((err) => this.logger.error({ err, sourceId }, 'scheduled ingest run failed'))
          .finally(() => {
            this.running.delete(sourceId);
            // A slot freed: more due sources may be waiting.
            if (!this.stopped) setImmediate(() => void this.tick());
          });
        this.running.set(sourceId, run);
      }
    } catch (err) {
      this.logger.error({ err }, 'ingest scheduler poll failed');
    } finally {
      this.ticking = false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.race([Promise.allSettled([...this.running.values()]), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
  }
}
