/**
 * The news events: what ingestion added, as it commits, in every process that listens.
 *
 * The ingest store announces each batch in the batch's own transaction (news_event_announce(),
 * see news-event.repository.ts and the migration NewsEvents): a row in `news_event` and a Postgres
 * NOTIFY carrying the same JSON, the ids of the feed items or articles added in the order they
 * were stored, numbered in commit order. NewsEvents LISTENs (src/db/notifications.ts: a connection
 * of its own on a Postgres server, the one session of the embedded database) and hands each
 * event to its subscribers once, in that order. When the listening connection drops, the events
 * committed meanwhile are read from the table once it is back, so none is lost or repeated.
 *
 *   const events = new NewsEvents(db, logger);
 *   const stop = events.subscribe((event) => console.log(event.kind, event.ids));
 *   await events.start();
 */
import type { ServiceLogger } from '../common/request-context';
import type { SqlExecutor } from '../db/sql-executor';
import type { Notifications } from '../db/notifications';
import { NEWS_EVENT_KINDS, NEWS_EVENTS_CHANNEL, NewsEventRepository, type NewsEvent } from './news-event.repository';

export type { NewsEvent } from './news-event.repository';

/** Events read per statement while catching up after a reconnection. */
const CATCH_UP_PAGE = 500;
/**
 * Notifications kept while catching up; past this they are dropped and read from the table
 * instead (a catch-up that cannot read the table keeps trying, and must not grow memory meanwhile).
 */
const MAX_HELD = 10_000;
const CATCH_UP_RETRY_MS = 1_000;

export type NewsEventListener = (event: NewsEvent) => void;

export class NewsEvents {
  private readonly listeners = new Set<NewsEventListener>();
  private readonly repository: NewsEventRepository;
  /** The last event handed on: what came before it (or before start) is never handed on again. */
  private lastSeq: number | null = null;
  /** Notifications that arrived while the table is being read, in arrival order. */
  private held: NewsEvent[] | null = null;
  /** More held than MAX_HELD arrived: the catch-up reads on until the table has no more. */
  private overflowed = false;
  private catchingUp: Promise<void> | null = null;
  private unlisten: (() => void) | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private started = false;
  private stopped = false;

  constructor(
    private readonly db: SqlExecutor,
    private readonly logger: ServiceLogger,
    private readonly notifications: Notifications | null = db.notifications,
  ) {
    this.repository = new NewsEventRepository(db);
  }

  /** `listener` gets every event committed from now on, once, in commit order; call the returned function to stop. */
  subscribe(listener: NewsEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Starts listening. Events committed before are not handed on; from the first LISTEN on, every
   * one is. Resolves once listening (on a Postgres server that cannot be reached yet, once the
   * connection is being retried: events then start with the first connection).
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (!this.notifications) throw new Error('this process cannot LISTEN to the database (a command run through the embedded database’s owner)');
    this.unlisten = await this.notifications.listen(NEWS_EVENTS_CHANNEL, {
      notification: (payload) => this.received(payload),
      listening: () => this.catchUp(),
      failed: (error) => {
        // Held notifications stay held: the table is read from the last one handed on when LISTEN is back.
        this.held ??= [];
        this.logger.warn({ err: error }, 'news events: the listening connection failed; reconnecting');
      },
    });
    await this.catchingUp;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.unlisten?.();
    this.listeners.clear();
    await this.catchingUp?.catch(() => undefined);
  }

  private received(payload: string): void {
    const event = parseEvent(payload);
    if (!event) {
      this.logger.warn({ payload: payload.slice(0, 200) }, 'news events: a notification that is no event');
      return;
    }
    if (this.held) {
      if (this.held.length < MAX_HELD) this.held.push(event);
      else this.overflowed = true;
      return;
    }
    this.deliver(event);
  }

  /**
   * LISTEN is (again) in effect. At the first, events start after the last one committed; after a
   * reconnection, the ones committed meanwhile are read from the table. Notifications arriving
   * meanwhile are held and handed on after those, without the ones the table gave already.
   */
  private catchUp(): void {
    if (this.stopped || this.catchingUp) return;
    this.held ??= [];
    this.catchingUp = this.readMissed()
      .then(() => {
        const held = this.held ?? [];
        this.held = null;
        for (const event of held) this.deliver(event);
      })
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, 'news events: reading the events missed failed; retrying');
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.catchUp();
        }, CATCH_UP_RETRY_MS);
        this.retryTimer.unref();
      })
      .finally(() => {
        this.catchingUp = null;
      });
  }

  private async readMissed(): Promise<void> {
    if (this.lastSeq === null) {
      this.lastSeq = await this.repository.latestSeq();
      return;
    }
    for (;;) {
      const held = this.held ?? [];
      const from = this.lastSeq;
      // What the held notifications cover needs no read (the usual case: a reconnection with nothing missed).
      if (!this.overflowed && held.length > 0 && held[0]!.seq === from + 1) return;
      const events = await this.repository.after(from, CATCH_UP_PAGE);
      for (const event of events) this.deliver(event);
      if (events.length < CATCH_UP_PAGE) {
        if (!this.overflowed) return;
        // Held notifications were dropped: read on (they are in the table), holding anew.
        this.overflowed = false;
        this.held = [];
      }
    }
  }

  private deliver(event: NewsEvent): void {
    if (this.stopped || (this.lastSeq !== null && event.seq <= this.lastSeq)) return;
    this.lastSeq = event.seq;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ err: error, seq: event.seq }, 'news events: a subscriber failed');
      }
    }
  }
}

function parseEvent(payload: string): NewsEvent | null {
  try {
    const value = JSON.parse(payload) as { seq?: unknown; kind?: unknown; ids?: unknown };
    const { seq, kind, ids } = value;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) return null;
    if (!NEWS_EVENT_KINDS.includes(kind as NewsEvent['kind'])) return null;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return null;
    return { seq, kind: kind as NewsEvent['kind'], ids: ids as string[] };
  } catch {
    return null;
  }
}
