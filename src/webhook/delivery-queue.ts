/**
 * The queue of webhook messages to attempt, as ingestion's (src/ingest/scheduler): pg-boss on a
 * Postgres server, shared by every gateway process; on the embedded database (one process) timers
 * in this process. A job carries a message id only; its attempt claims the message first
 * (webhook_delivery's state and next attempt time), so a job delivered twice attempts once.
 */
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';

export type DeliveryHandler = (deliveryId: string) => Promise<void>;

export interface DeliveryQueue {
  readonly kind: 'pg-boss' | 'in-process';
  start(handler: DeliveryHandler): Promise<void>;
  /** Attempts these messages once `delayMs` has passed (0: now). */
  enqueue(deliveryIds: readonly string[], delayMs: number): Promise<void>;
  /** Takes no more work and waits (a bounded time) for attempts in progress. */
  stop(): Promise<void>;
}

const QUEUE = 'webhook-delivery';
/** Attempts in flight per process. */
const CONCURRENCY = 8;
const STOP_WAIT_MS = 15_000;

/** Timers in this process (the embedded database has one process): at most CONCURRENCY attempts at once. */
export class InProcessDeliveryQueue implements DeliveryQueue {
  readonly kind = 'in-process' as const;
  private handler: DeliveryHandler | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiting: string[] = [];
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly logger: Logger) {}

  async start(handler: DeliveryHandler): Promise<void> {
    this.handler = handler;
  }

  async enqueue(deliveryIds: readonly string[], delayMs: number): Promise<void> {
    if (this.stopped) return;
    if (delayMs <= 0) {
      this.waiting.push(...deliveryIds);
      this.drain();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.waiting.push(...deliveryIds);
      this.drain();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private drain(): void {
    while (!this.stopped && this.handler && this.running.size < CONCURRENCY && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      const run: Promise<void> = this.handler(id)
        .catch((err: unknown) => this.logger.error({ err, deliveryId: id }, 'webhook attempt failed unexpectedly'))
        .finally(() => {
          this.running.delete(run);
          this.drain();
        });
      this.running.add(run);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.waiting.length = 0;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
  }
}

/** A pg-boss queue in the Postgres database: any gateway process may attempt any message. */
export class PgBossDeliveryQueue implements DeliveryQueue {
  readonly kind = 'pg-boss' as const;
  private boss: PgBoss | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly attemptTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async start(handler: DeliveryHandler): Promise<void> {
    const boss = new PgBoss({ connectionString: this.databaseUrl, application_name: 'newsgate-webhooks', max: 3, schedule: false });
    boss.on('error', (err) => this.logger.error({ err }, 'pg-boss error (webhooks)'));
    await boss.start();
    this.boss = boss;
    await boss.createQueue(QUEUE, {
      name: QUEUE,
      policy: 'standard',
      // Retries are the handler's: each failed attempt enqueues the next one with its own delay.
      retryLimit: 0,
      expireInSeconds: Math.ceil(this.attemptTimeoutMs / 1000) + 60,
    });
    // Two pollers taking up to CONCURRENCY / 2 jobs each, attempted at once.
    for (let i = 0; i < 2; i++) {
      await boss.work<{ deliveryId: string }>(QUEUE, { batchSize: CONCURRENCY / 2, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        await Promise.all(jobs.map((job) => handler(job.data.deliveryId).catch((err: unknown) => this.logger.error({ err }, 'webhook attempt failed unexpectedly'))));
      });
    }
  }

  async enqueue(deliveryIds: readonly string[], delayMs: number): Promise<void> {
    const boss = this.boss;
    if (!boss || deliveryIds.length === 0) return;
    const startAfter = delayMs > 0 ? new Date(Date.now() + delayMs) : undefined;
    await boss.insert(deliveryIds.map((deliveryId) => ({ name: QUEUE, data: { deliveryId }, ...(startAfter ? { startAfter } : {}) })));
  }

  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    await boss?.stop({ graceful: true, wait: true, timeout: STOP_WAIT_MS });
  }
}
