import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { articleCriteria } from '../article/article.service';
import type { NewsEvent, NewsEvents } from '../events/news-events';
import type { NewsEventKind } from '../events/news-event.repository';
import { feedCriteria } from '../feed-item/feed-item.service';
import { toGlobalId } from '../graphql/relay/global-id';
import type { DeliveryQueue } from './delivery-queue';
import type { AttemptRecord, WebhookFilterRecord, WebhookRecord } from './webhook.record';
import type { ArticleData, FeedItemData, WebhookRepository } from './webhook.repository';
import type { WebhookSender } from './webhook.sender';

/** Message types, by the news event kind they announce. */
const MESSAGE_TYPES: Record<NewsEventKind, string> = { feedItemAdded: 'feed_item.added', articlePublished: 'article.published' };
const TEST_MESSAGE_TYPE = 'webhook.test';
/**
 * How long past its time a pending message must be before a running gateway enqueues it again:
 * far longer than a job waits in a queue that keeps up (a poll, half a second), and an attempt in
 * progress has moved its message's time past its deadline (claim).
 */
const OVERDUE_SECONDS = 60;
/** The longest wait between two attempts of a message. */
const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

export interface DispatcherOptions {
  repository: WebhookRepository;
  sender: WebhookSender;
  /** Created when the first enabled webhook is seen: a process without webhooks listens to nothing. */
  events: () => NewsEvents;
  queue: () => DeliveryQueue;
  retryBaseMs: number;
  failureWindowSeconds: number;
  /**
   * How often a process without enabled webhooks looks again (one created through another
   * gateway), and on pg-boss one delivering looks for messages left without a job; 0: never.
   */
  activationCheckMs: number;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Hears the news events (src/events) and turns each new feed item or article into one message per
 * matching enabled webhook, inserted once whatever the number of gateway processes hearing the
 * event (webhook_delivery's unique (webhook_id, event_key)): only the process whose insert wrote
 * the row enqueues it. Attempts go through the delivery queue; a failed one is retried with
 * exponential backoff and jitter until the failure window (24 hours) has passed since the message
 * was created, and a webhook whose deliveries have all failed for that window is disabled.
 */
export class WebhookDispatcher {
  private events: NewsEvents | null = null;
  private queue: DeliveryQueue | null = null;
  private activating: Promise<void> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: DispatcherOptions) {}

  /** Starts delivering if any webhook is enabled, and looks again every `activationCheckMs` while none is. */
  async start(): Promise<void> {
    await this.activateIfNeeded();
    if (!this.activating && !this.stopped && this.options.activationCheckMs > 0) {
      this.timer = setInterval(() => void this.activateIfNeeded(), this.options.activationCheckMs);
      this.timer.unref();
    }
  }

  private async activateIfNeeded(): Promise<void> {
    if (this.activating || this.stopped) return;
    try {
      if (await this.options.repository.anyEnabled()) await this.activate();
    } catch (err) {
      this.options.logger.warn({ err }, 'webhooks: could not look for enabled webhooks');
    }
  }

  /** Listens to news events and takes messages from the queue (once; a webhook was created or found). */
  activate(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.activating ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      const queue = this.options.queue();
      this.queue = queue;
      await queue.start(async (id) => {
        await this.attempt(id);
      });
      await this.enqueuePending(queue);
      // On pg-boss, another gateway may die with messages it had not enqueued: look for them as often.
      if (queue.kind === 'pg-boss' && this.options.activationCheckMs > 0 && !this.stopped) {
        this.timer = setInterval(() => void this.enqueueOverdue(queue), this.options.activationCheckMs);
        this.timer.unref();
      }
      const events = this.options.events();
      this.events = events;
      events.subscribe((event) => {
        this.chain = this.chain.then(() => this.dispatch(event)).catch((err: unknown) => this.options.logger.error({ err, seq: event.seq }, 'webhooks: could not dispatch a news event'));
      });
      await events.start();
      this.options.logger.info({ queue: queue.kind }, 'webhooks: delivering');
    })();
    return this.activating;
  }

  /**
   * Enqueues the messages left pending by earlier runs: the in-process queue keeps none, and on
   * pg-boss a message has no job when its process died between inserting it and enqueuing it (or
   * between a failed attempt and the next one's job), or during an attempt (the job is not
   * retried: retries are ours). One that has its job as well is attempted once all the same (an
   * attempt claims its message first).
   */
  private async enqueuePending(queue: DeliveryQueue): Promise<void> {
    const pending = await this.options.repository.due(10_000);
    await queue.enqueue(
      pending.filter((message) => message.delayMs === 0).map((message) => message.id),
      0,
    );
    for (const { id, delayMs } of pending) if (delayMs > 0) await queue.enqueue([id], delayMs);
  }

  /**
   * Enqueues the messages OVERDUE_SECONDS past their time that no attempt has claimed: their job
   * was lost with a gateway that died while the others kept running (see enqueuePending).
   */
  private async enqueueOverdue(queue: DeliveryQueue): Promise<void> {
    try {
      await queue.enqueue(await this.options.repository.overdue(OVERDUE_SECONDS, 10_000), 0);
    } catch (err) {
      this.options.logger.warn({ err }, 'webhooks: could not look for messages left without a job');
    }
  }

  /** One message per matching enabled webhook for each item of the event, enqueued by whoever inserted it. */
  private async dispatch(event: NewsEvent): Promise<void> {
    const { repository } = this.options;
    const webhooks = await repository.activeFor(event.kind);
    if (webhooks.length === 0 || event.ids.length === 0) return;
    const timestamp = new Date().toISOString();
    const type = MESSAGE_TYPES[event.kind];
    const data = await this.eventData(event);
    for (const webhook of webhooks) {
      const matching = await this.matching(webhook.filter, event);
      const messages = event.ids
        .filter((id) => data.has(id) && (matching === null || matching.has(id)))
        .map((id) => ({ eventKey: `${event.kind}:${id}`, body: JSON.stringify({ type, timestamp, data: data.get(id) }) }));
      if (messages.length === 0) continue;
      const inserted = await repository.insertDeliveries(webhook.id, type, messages);
      await this.queue?.enqueue(inserted, 0);
    }
  }

  /** The message data of each id of the event (global ids, the main fields, the source). */
  private async eventData(event: NewsEvent): Promise<Map<string, unknown>> {
    const { repository } = this.options;
    if (event.kind === 'feedItemAdded') return new Map((await repository.feedItemData(event.ids)).map((row) => [row.id, feedItemMessage(row)]));
    return new Map((await repository.articleData(event.ids)).map((row) => [row.id, articleMessage(row)]));
  }

  /** The ids of the event the filter lets through; null when the filter is empty (all of them). */
  private async matching(filter: WebhookFilterRecord, event: NewsEvent): Promise<Set<string> | null> {
    if (!filter.sourceIds && !filter.personIds && !filter.language && !filter.search) return null;
    if (event.kind === 'feedItemAdded') return this.options.repository.matchingFeedItems(event.ids, feedCriteria(filter));
    return this.options.repository.matchingArticles(event.ids, articleCriteria(filter));
  }

  /** Sends a `webhook.test` message now, once (no retry, no effect on the webhook's health), and returns the attempt. */
  async sendTest(webhook: WebhookRecord): Promise<AttemptRecord> {
    const body = JSON.stringify({
      type: TEST_MESSAGE_TYPE,
      timestamp: new Date().toISOString(),
      data: { webhookId: webhook.id, message: 'A test message from newsgate: your endpoint received and can verify it.' },
    });
    const [id] = await this.options.repository.insertDeliveries(webhook.id, TEST_MESSAGE_TYPE, [{ eventKey: `test:${randomUUID()}`, body }]);
    const attempt = await this.attempt(id!);
    if (!attempt) throw new Error('the test message could not be claimed');
    return attempt;
  }

  /** One attempt of a message, if it is still pending and due; the attempt recorded, the next one scheduled. */
  private async attempt(deliveryId: string): Promise<AttemptRecord | null> {
    const { repository, sender, logger } = this.options;
    const message = await repository.claim(deliveryId, this.options.timeoutMs + 30_000);
    if (!message) return null;
    if (message.disabled && !message.test) {
      await repository.settle(message.id, 'FAILED');
      return null;
    }
    const at = new Date();
    const result = await sender.send(message.url, message.secret, message.id, message.body);
    const attempt = await repository.recordAttempt({
      deliveryId: message.id,
      webhookId: message.webhookId,
      attempt: message.attempt,
      at,
      status: result.ok ? 'SUCCEEDED' : 'FAILED',
      responseStatus: result.responseStatus,
      durationMs: result.durationMs,
      error: result.error,
    });
    if (message.test) {
      await repository.settle(message.id, result.ok ? 'SUCCEEDED' : 'FAILED');
      return attempt;
    }
    if (result.ok) {
      await repository.settle(message.id, 'SUCCEEDED');
      await repository.markHealthy(message.webhookId);
      return attempt;
    }
    const windowSeconds = this.options.failureWindowSeconds;
    const reason = `Every delivery failed for ${describeSeconds(windowSeconds)}, so the webhook was disabled; the last attempt: ${result.error ?? 'failed'}.`;
    const disabled = await repository.markFailed(message.webhookId, windowSeconds, reason, message.createdAt);
    if (disabled) {
      logger.warn({ webhookId: message.webhookId }, 'webhooks: disabled after failing for the whole window');
      return attempt;
    }
    if (Date.now() - message.createdAt.getTime() >= windowSeconds * 1000) {
      await repository.settle(message.id, 'FAILED');
      return attempt;
    }
    const delayMs = retryDelay(this.options.retryBaseMs, message.attempt);
    await repository.retryIn(message.id, delayMs);
    await this.queue?.enqueue([message.id], delayMs);
    return attempt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.activating?.catch(() => undefined);
    await this.events?.stop();
    await this.chain;
    await this.queue?.stop();
    await this.options.sender.close();
  }
}

/**
 * Exponential backoff with jitter: after attempt n fails, wait base · 2^(n-1) (at most an hour),
 * between half and all of it at random, so receivers coming back up are not hit by every sender at once.
 */
function retryDelay(baseMs: number, attempt: number): number {
  const full = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(full / 2 + (Math.random() * full) / 2);
}

function describeSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

function source(row: { sourceId: string; sourceSlug: string; sourceName: string }) {
  return { id: toGlobalId('Source', row.sourceId), slug: row.sourceSlug, name: row.sourceName };
}

function feedItemMessage(row: FeedItemData) {
  return {
    id: toGlobalId('FeedItem', row.id),
    headline: row.headline,
    url: row.url,
    imageUrl: row.imageUrl,
    language: row.language,
    publishedAt: new Date(row.publishedAt).toISOString(),
    source: source(row),
    article: row.articleId ? { id: toGlobalId('Article', row.articleId), title: row.articleTitle, url: row.articleUrl, slug: row.articleSlug } : null,
  };
}

function articleMessage(row: ArticleData) {
  return {
    id: toGlobalId('Article', row.id),
    title: row.title,
    url: row.url,
    slug: row.slug,
    summary: row.summary,
    imageUrl: row.imageUrl,
    language: row.language,
    publishedAt: new Date(row.publishedAt).toISOString(),
    source: source(row),
  };
}
