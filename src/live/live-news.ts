/**
 * Live news: what the news events announce (src/events), handed to GraphQL subscriptions.
 *
 * One LiveNews per gateway listens to NewsEvents (LISTEN, from the first subscription on) and
 * handles the events one at a time, in commit order. For each event it builds one request context
 * (fresh loaders), asks the domain services which of the event's ids each distinct filter admits
 * (the lists' own SQL conditions: a filter means here what it means in `latestFeed` and
 * `articles`), loads the rows once through the loaders, and queues them on every subscription that
 * wants them, in the order stored. A subscription is an async iterator over its queue; the
 * selection of each item then runs with the loaders of the item's event, so a thousand
 * subscribers of one event share its statements.
 *
 * A consumer is slow when `queueLimit` items of earlier events still wait in its queue as the
 * next event comes (a client that stopped reading, whose socket no longer drains): it is told
 * through its connection (`slow()`), which closes it, and the queue is dropped. An event itself is
 * queued whole, however many items it carries: a consumer that keeps up takes an event larger than
 * the limit as it takes any other, and only the backlog it has not taken decides. A queue thus
 * holds at most queueLimit - 1 items plus one event's (at most 150, see news-event.repository.ts),
 * and memory stays bounded by subscriptions × (queueLimit + 150).
 */
import { DomainError, ServiceUnavailableError } from '../common/errors/domain-errors';
import type { ServiceContext, ServiceLogger } from '../common/request-context';
import type { ArticleRecord } from '../article/article.record';
import type { ArticleCriteria } from '../article/article.repository';
import { articleCriteria, type ArticleContext, type ArticleFilter, type ArticleService } from '../article/article.service';
import type { NewsEvent, NewsEvents } from '../events/news-events';
import type { FeedCriteria } from '../feed-item/feed-item.repository';
import type { FeedItemRecord } from '../feed-item/feed-item.record';
import type { FeedItemContext, FeedItemFilter, FeedItemService } from '../feed-item/feed-item.service';

type EventLoaders = FeedItemContext['loaders'] & ArticleContext['loaders'];

/** The context of one event: fresh loaders, shared by every subscription that receives it. */
type EventContext = ServiceContext<EventLoaders>;

/** What a subscription's WebSocket connection lets the hub do to it. */
export interface LiveConnection {
  /** The consumer fell more than the queue limit behind: its connection is to be closed. */
  slow(): void;
}

/**
 * A subscription's GraphQL context, as far as the hub needs it: `loaders` is replaced by the
 * loaders of each item's event before the item is handed on, and `live` is its connection.
 */
export interface LiveContext {
  loaders: unknown;
  live?: LiveConnection;
}

type Kind = NewsEvent['kind'];

interface Subscriber {
  kind: Kind;
  /** The criteria as a string: subscriptions with equal filters share one statement per event. */
  key: string;
  criteria: FeedCriteria | ArticleCriteria;
  queue: LiveQueue<FeedItemRecord | ArticleRecord>;
}

export interface LiveNewsDeps {
  events: NewsEvents;
  feedItems: FeedItemService;
  articles: ArticleService;
  /** A context with loaders of its own, for one event. */
  createContext: () => EventContext;
  logger: ServiceLogger;
  /**
   * Items of earlier events one subscription may have waiting when the next event comes: at this
   * many its consumer counts as slow. An event is queued whole, even one larger than this.
   */
  queueLimit: number;
}

/** Events waiting to be handled; past this the hub is behind the database, and every subscriber is ended (they resubscribe). */
const MAX_PENDING_EVENTS = 10_000;

export class LiveNews {
  private readonly subscribers: Record<Kind, Set<Subscriber>> = { feedItemAdded: new Set(), articlePublished: new Set() };
  private started: Promise<void> | null = null;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  /** The event being handled and those after it, one at a time, in commit order. */
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly deps: LiveNewsDeps) {}

  /** New feed items matching the filter (database ids), as they are stored. BAD_USER_INPUT for a malformed filter. */
  feedItems(ctx: LiveContext, filter: FeedItemFilter): Promise<AsyncIterableIterator<FeedItemRecord>> {
    const criteria = this.deps.feedItems.criteria(filter);
    return this.open('feedItemAdded', criteria, ctx) as Promise<AsyncIterableIterator<FeedItemRecord>>;
  }

  /** New articles matching the filter (database ids), as they are stored. BAD_USER_INPUT for a malformed filter. */
  articles(ctx: LiveContext, filter: ArticleFilter): Promise<AsyncIterableIterator<ArticleRecord>> {
    const criteria = articleCriteria(filter);
    return this.open('articlePublished', criteria, ctx) as Promise<AsyncIterableIterator<ArticleRecord>>;
  }

  /** Subscriptions running. */
  count(): number {
    return this.subscribers.feedItemAdded.size + this.subscribers.articlePublished.size;
  }

  /** Ends every subscription and stops listening. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const set of Object.values(this.subscribers)) for (const subscriber of [...set]) subscriber.queue.end();
    this.unsubscribe?.();
    await this.started?.catch(() => undefined);
    await this.deps.events.stop();
    await this.tail;
  }

  private async open(kind: Kind, criteria: FeedCriteria | ArticleCriteria, ctx: LiveContext): Promise<AsyncIterableIterator<FeedItemRecord | ArticleRecord>> {
    if (this.stopped) throw new ServiceUnavailableError('The server is shutting down.');
    await this.start();
    const set = this.subscribers[kind];
    const subscriber: Subscriber = {
      kind,
      key: JSON.stringify(criteria),
      criteria,
      queue: new LiveQueue(this.deps.queueLimit, ctx, {
        overflow: () => ctx.live?.slow(),
        ended: () => set.delete(subscriber),
      }),
    };
    set.add(subscriber);
    return subscriber.queue;
  }

  private start(): Promise<void> {
    this.started ??= (async () => {
      this.unsubscribe = this.deps.events.subscribe((event) => this.received(event));
      await this.deps.events.start();
    })().catch((error: unknown) => {
      this.unsubscribe?.();
      this.started = null;
      this.deps.logger.error({ err: error }, 'live news: listening to the news events failed');
      throw new ServiceUnavailableError('Subscriptions are not available right now.', undefined, { cause: error });
    });
    return this.started;
  }

  private received(event: NewsEvent): void {
    if (this.subscribers[event.kind].size === 0) return;
    if (this.pending >= MAX_PENDING_EVENTS) {
      this.deps.logger.error({ pending: this.pending }, 'live news: too far behind the news events; ending every subscription');
      for (const set of Object.values(this.subscribers)) for (const subscriber of [...set]) subscriber.queue.fail(new ServiceUnavailableError('The server fell behind; subscribe again.'));
      return;
    }
    this.pending++;
    this.tail = this.tail
      .then(() => this.deliver(event))
      .catch((error: unknown) => this.deps.logger.error({ err: error, seq: event.seq }, 'live news: an event could not be delivered'))
      .finally(() => {
        this.pending--;
      });
  }

  /** One event to every subscription whose filter admits some of its rows, in the order stored. */
  private async deliver(event: NewsEvent): Promise<void> {
    const subscribers = [...this.subscribers[event.kind]];
    if (subscribers.length === 0) return;
    const groups = new Map<string, { criteria: FeedCriteria | ArticleCriteria; subscribers: Subscriber[]; admitted?: ReadonlySet<string> | null }>();
    for (const subscriber of subscribers) {
      const group = groups.get(subscriber.key);
      if (group) group.subscribers.push(subscriber);
      else groups.set(subscriber.key, { criteria: subscriber.criteria, subscribers: [subscriber] });
    }
    const ctx = this.deps.createContext();
    try {
      await Promise.all(
        [...groups.values()].map(async (group) => {
          // No condition: every row; otherwise the list's own conditions say which.
          if (Object.keys(group.criteria).length === 0) group.admitted = null;
          else if (event.kind === 'feedItemAdded') group.admitted = await this.deps.feedItems.matchingIds(ctx, event.ids, group.criteria as FeedCriteria);
          else group.admitted = await this.deps.articles.matchingIds(ctx, event.ids, group.criteria as ArticleCriteria);
        }),
      );
      const groupList = [...groups.values()];
      const wanted = groupList.some((group) => group.admitted === null) ? event.ids : event.ids.filter((id) => groupList.some((group) => group.admitted!.has(id)));
      if (wanted.length === 0) return;
      const rows: Array<FeedItemRecord | ArticleRecord> =
        event.kind === 'feedItemAdded' ? await this.deps.feedItems.byIds(ctx, wanted) : await this.deps.articles.byIds(ctx, wanted);
      for (const group of groupList) {
        const admitted = group.admitted;
        const values = admitted ? rows.filter((row) => admitted.has(row.dbId)) : rows;
        if (values.length === 0) continue;
        for (const subscriber of group.subscribers) subscriber.queue.push(values, ctx.loaders);
      }
    } catch (error) {
      // The subscribers would miss these rows: they are ended with an error, and subscribe again.
      const reason = error instanceof DomainError ? error : new ServiceUnavailableError('New items could not be read; subscribe again.', undefined, { cause: error });
      for (const subscriber of subscribers) subscriber.queue.fail(reason);
      throw error;
    }
  }
}

/**
 * A subscription's items, oldest first, as an async iterator (what a GraphQL subscribe resolver
 * returns). Bounded: `push` of an event onto `limit` or more items still waiting from earlier
 * events ends it and calls `overflow`; otherwise the event's items are queued, all of them (the
 * limit measures the consumer's backlog, not the size of what the news brings). Before an item is
 * handed on, the context's loaders become the loaders of the item's event. `return()` ends it at
 * once, also while a `next()` waits (graphql-ws calls it when the client completes or disconnects).
 */
class LiveQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: Array<{ value: T; loaders: unknown }> = [];
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: Error) => void } | null = null;
  private done = false;
  private failure: Error | null = null;

  constructor(
    private readonly limit: number,
    private readonly context: LiveContext,
    private readonly hooks: { overflow: () => void; ended: () => void },
  ) {}

  /** One event's items, in order: queued whole, unless the consumer is still `limit` items behind on earlier ones. */
  push(values: readonly T[], loaders: unknown): void {
    if (this.done) return;
    // Only what earlier events left waiting counts: the consumer has had its chance to take it. A
    // consumer waiting in next() has taken everything (items is empty then).
    if (this.items.length >= this.limit) {
      this.end();
      this.hooks.overflow();
      return;
    }
    for (const value of values) {
      const waiting = this.waiting;
      if (waiting) {
        this.waiting = null;
        this.context.loaders = loaders;
        waiting.resolve({ value, done: false });
      } else {
        this.items.push({ value, loaders });
      }
    }
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item) {
      this.context.loaders = item.loaders;
      return Promise.resolve({ value: item.value, done: false });
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      return Promise.reject(failure);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    this.end();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  /** Ends the subscription with an error: the items queued before it are dropped, the consumer gets the error. */
  fail(error: Error): void {
    if (this.done) return;
    const waiting = this.waiting;
    this.waiting = null;
    this.end();
    if (waiting) waiting.reject(error);
    else this.failure = error;
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.items.length = 0;
    this.hooks.ended();
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve({ value: undefined, done: true });
  }
}
