import { Client } from 'pg';
import type { DataSource } from 'typeorm';

/** What a listener of one channel is told. */
export interface NotificationHandlers {
  /** A NOTIFY on the channel was committed (by any session of the database). */
  notification(payload: string): void;
  /**
   * LISTEN is in effect: once at first, and again after the listening connection was lost and
   * reconnected (NOTIFYs committed meanwhile were not delivered: read what was missed).
   */
  listening(): void;
  /** The listening connection failed; it is reconnected by itself (logging is the caller's). */
  failed?(error: unknown): void;
}

/**
 * Postgres LISTEN for this process: what the database's sessions NOTIFY on a channel, delivered
 * to handlers here. Postgres servers get a connection of its own (reconnected when it drops), the
 * embedded database its one session (see ../db/embedded/pglite-host.ts for the owner of a DATA_DIR).
 */
export interface Notifications {
  /** Starts listening on `channel`; resolves once LISTEN is in effect (or, on Postgres, once it is being retried). */
  listen(channel: string, handlers: NotificationHandlers): Promise<() => void>;
  /** Stops listening on every channel, for good. */
  close(): Promise<void>;
}

/** Channel names go into LISTEN as identifiers: plain lower-case ones only. */
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
}

/** Handlers by channel, and delivery to them; a handler's failure is not the others'. */
class Listeners {
  private readonly byChannel = new Map<string, Set<NotificationHandlers>>();

  add(channel: string, handlers: NotificationHandlers): { first: boolean; remove: () => void } {
    let set = this.byChannel.get(channel);
    const first = !set;
    if (!set) this.byChannel.set(channel, (set = new Set()));
    set.add(handlers);
    return {
      first,
      remove: () => {
        set.delete(handlers);
      },
    };
  }

  channels(): string[] {
    return [...this.byChannel.keys()];
  }

  deliver(channel: string, payload: string): void {
    for (const handlers of this.byChannel.get(channel) ?? []) {
      try {
        handlers.notification(payload);
      } catch {
        // A listener's failure is not the sender's, nor another listener's.
      }
    }
  }

  each(call: (handlers: NotificationHandlers) => void, channel?: string): void {
    for (const [name, set] of this.byChannel) {
      if (channel !== undefined && name !== channel) continue;
      for (const handlers of set) {
        try {
          call(handlers);
        } catch {
          // As above.
        }
      }
    }
  }
}

/** Longest wait between two attempts to reconnect the listening connection. */
const MAX_RECONNECT_DELAY_MS = 5_000;
/** How often the listening connection is checked with a statement (TCP alone notices a dead peer after minutes). */
const PING_INTERVAL_MS = 15_000;

/**
 * LISTEN on a Postgres server, on one connection of its own outside the pool (a pooled connection
 * is handed to other work and its LISTEN would go with it), opened on the first listen(). When it
 * drops (a restart, a failover, a terminated backend, a dead network), it is reconnected with
 * growing delays up to 5 s, LISTEN is sent again, and every handler is told `listening()` so that
 * it can read what was committed while nobody listened.
 */
export class PostgresNotifications implements Notifications {
  private readonly listeners = new Listeners();
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  /** The channels the current connection listens to. */
  private listened = new Set<string>();
  private attempts = 0;
  private closed = false;

  constructor(private readonly databaseUrl: string) {}

  async listen(channel: string, handlers: NotificationHandlers): Promise<() => void> {
    checkChannel(channel);
    if (this.closed) throw new Error('notifications are closed');
    const { remove } = this.listeners.add(channel, handlers);
    if (!this.client) await this.connect();
    const client = this.client;
    // Connected, and this channel was not among those the connection listened to at its start.
    if (client && !this.listened.has(channel)) {
      this.listened.add(channel);
      try {
        await client.query(`LISTEN ${channel}`);
      } catch (error) {
        // The next connection listens to it, and tells its handlers.
        this.lost(client, error);
        return remove;
      }
      this.listeners.each((each) => each.listening(), channel);
    }
    return remove;
  }

  /** One attempt to connect and LISTEN on every channel; on failure the next is scheduled. */
  private connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      const client = new Client({
        connectionString: this.databaseUrl,
        application_name: 'newsgate-listen',
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
        connectionTimeoutMillis: 10_000,
      });
      client.on('error', (error) => this.lost(client, error));
      client.on('end', () => this.lost(client, new Error('the listening connection ended')));
      client.on('notification', (message) => this.listeners.deliver(message.channel, message.payload ?? ''));
      let channels: string[] = [];
      try {
        await client.connect();
        channels = this.listeners.channels();
        if (channels.length > 0) await client.query(channels.map((channel) => `LISTEN ${channel};`).join(' '));
      } catch (error) {
        client.removeAllListeners('end');
        client.end().catch(() => undefined);
        this.listeners.each((handlers) => handlers.failed?.(error));
        this.schedule();
        return;
      }
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.listened = new Set(channels);
      this.attempts = 0;
      this.pingTimer = setInterval(() => {
        client.query('SELECT 1').catch((error: unknown) => this.lost(client, error));
      }, PING_INTERVAL_MS);
      this.pingTimer.unref();
      for (const channel of channels) this.listeners.each((handlers) => handlers.listening(), channel);
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.listeners.each((handlers) => handlers.failed?.(error));
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.retryTimer) return;
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, 100 * 2 ** this.attempts++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    await this.connecting;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * LISTEN on the embedded database's one session: `startListening` runs LISTEN there, in turn with
 * the other sessions (never inside one's transaction), and whoever reads the backend's output
 * hands every notification to `deliver`. The session never drops, so `listening()` is told once.
 */
export class EmbeddedNotifications implements Notifications {
  private readonly listeners = new Listeners();
  private closed = false;

  constructor(private readonly startListening: (channel: string) => Promise<void>) {}

  /** A notification the backend sent: the owner calls this for each one. */
  deliver(channel: string, payload: string): void {
    if (!this.closed) this.listeners.deliver(channel, payload);
  }

  async listen(channel: string, handlers: NotificationHandlers): Promise<() => void> {
    checkChannel(channel);
    if (this.closed) throw new Error('notifications are closed');
    const { first, remove } = this.listeners.add(channel, handlers);
    if (first) await this.startListening(channel);
    handlers.listening();
    return remove;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

const byDataSource = new WeakMap<DataSource, Notifications>();

export function attachNotifications(dataSource: DataSource, notifications: Notifications): void {
  byDataSource.set(dataSource, notifications);
}

/** LISTEN for this database, or null where this process cannot listen (a command through the embedded owner's socket). */
export function notificationsOf(dataSource: DataSource): Notifications | null {
  return byDataSource.get(dataSource) ?? null;
}
