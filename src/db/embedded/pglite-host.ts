import { unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { BackendQueue } from './backend-queue';
import { renameStatements, scanOutput, Session, type Status } from './pglite-session';
import * as wire from './wire';

/** The channel on which newsgate processes tell the owner what they changed (see ../change-signals.ts). */
export const CHANGES_CHANNEL = 'newsgate_changes';

/**
 * A transaction may sit idle this long while others wait for the one backend; then its client is
 * disconnected and the transaction rolled back (Postgres' idle_in_transaction_session_timeout).
 */
const IDLE_IN_TRANSACTION_LIMIT_MS = 60_000;
/** On close, a client's transaction in progress gets this long to finish before it is rolled back. */
const CLOSE_GRACE_MS = 5_000;
const BACKUP_CHUNK_BYTES = 1 << 20;

const TERMINATE = wire.code('X');

export interface HostOptions {
  /** A consistent backup of the data directory (gzipped tar), for newsgate's backup request. */
  backup?: () => Promise<Buffer>;
  /** A NOTIFY committed by any session on a channel this host listens to. */
  onNotification?: (channel: string, payload: string) => void;
}

export interface HostStats {
  /** Client connections. */
  clients: number;
  /** Sessions waiting for the backend (this process's own included). */
  waiting: number;
  /** Who holds the backend: this process, a client, or nobody. */
  holder: 'this process' | 'client' | null;
}

/**
 * Shares one PGlite, a single-user Postgres backend, between this process and other newsgate
 * processes that connect through a Unix socket speaking the Postgres wire protocol, so that each
 * of them behaves as a session of its own.
 *
 * - Transactions stay apart: a session that starts a transaction (or a statement sequence of the
 *   extended protocol) holds the backend until it is idle again, as ReadyForQuery reports after
 *   its Sync; everyone else waits their turn, this process's own connection included (it reaches
 *   PGlite through ownerConnection(), never around the queue). Without this, one session's
 *   statements run inside another's transaction, and one rollback erases the other's commits.
 * - Prepared statements stay apart: every session prepares its statements under names of its own
 *   in the backend (the gateway and a command both name theirs `article_latest`), and a session's
 *   statements are closed when it leaves.
 * - A client that disconnects mid-transaction, or sits idle in one for a minute, is rolled back.
 * - NOTIFY on CHANGES_CHANNEL, and on the channels this process listens to (listenTo), is
 *   delivered to this process (onNotification) and not to clients, whichever session sent it.
 *
 * @electric-sql/pglite-socket 0.2 was not used: its queue lets this process's connection bypass
 * it, shares prepared statement names between clients (42P05 "already exists" as soon as two of
 * them prepare the same one), hands the backend to another client between the messages of an
 * extended-protocol sequence when they arrive in separate chunks, and stops for good after a
 * failed message.
 */
export class PgliteHost {
  private readonly queue = new BackendQueue((session) => this.armIdle(session));
  private readonly clients = new Set<Session>();
  private readonly cleanups = new Set<Promise<void>>();
  private readonly owner = new Session(0, 'this process', null);
  private server: Server | null = null;
  private socketPath: string | null = null;
  private startupReply: Buffer | null = null;
  private nextId = 1;
  private closing = false;
  /** The channels the backend listens to, for this process: their notifications never reach a client. */
  private readonly channels = new Set([CHANGES_CHANNEL]);

  constructor(
    private readonly pglite: PGlite,
    private readonly options: HostOptions = {},
  ) {}

  /** Prepares what clients are told at connection time and subscribes to CHANGES_CHANNEL. */
  async start(): Promise<void> {
    await this.exclusive(async () => {
      this.startupReply = Buffer.from(await this.pglite.execProtocolRaw(wire.startup({ user: 'postgres', database: 'postgres' })));
      await this.execute(wire.query(`LISTEN ${CHANGES_CHANNEL}`));
    });
  }

  /**
   * LISTEN on `channel` for this process (the news events, src/events/): run between other
   * sessions' transactions, so no rollback can undo it, and from then on its notifications go to
   * onNotification, whichever session's statement they come out with.
   */
  async listenTo(channel: string): Promise<void> {
    if (this.channels.has(channel)) return;
    this.channels.add(channel);
    await this.exclusive(() => this.execute(wire.query(`LISTEN ${channel}`)));
  }

  /** What PGlite's node-postgres adapter gets in place of PGlite: this process's own session. */
  ownerConnection(): PGlite {
    const pglite = this.pglite;
    const connection = {
      waitReady: pglite.waitReady,
      execProtocolStream: (message: Uint8Array, options?: Parameters<PGlite['execProtocolStream']>[1]) =>
        this.queue.run(this.owner, message[0]!, async () => {
          const messages = await pglite.execProtocolStream(message, options);
          let status: Status = null;
          for (const received of messages) {
            if (received.name === 'notification') {
              const { channel, payload } = received as unknown as { channel: string; payload: string };
              this.notify(channel, payload);
            } else if (received.name === 'readyForQuery') {
              status = (received as unknown as { status: Status }).status;
            }
          }
          return { value: messages, status };
        }),
    };
    return connection as unknown as PGlite;
  }

  /**
   * Runs `work` while no session is inside a transaction or statement sequence, with nothing else
   * running: a CHECKPOINT and a copy of the data directory, for example.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const session = new Session(-1, 'newsgate', null);
    return this.queue.run(session, 0, async () => ({ value: await work(), status: 'I' }));
  }

  /** Accepts other processes' connections on a Unix socket (its directory must be private). */
  async listen(socketPath: string): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.socketPath = socketPath;
  }

  stats(): HostStats {
    return {
      clients: this.clients.size,
      waiting: this.queue.waitingCount,
      holder: this.queue.holder === null ? null : this.queue.holder.socket ? 'client' : 'this process',
    };
  }

  /**
   * Stops accepting, gives a client's transaction in progress a few seconds, then disconnects
   * every client (rolling back what they left open). PGlite itself stays open: its owner closes it.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const server = this.server;
    this.server = null;
    const stopped = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const goodbye = wire.errorResponse('FATAL', '57P01', 'the database is shutting down (its owner process is stopping)');
    for (const client of this.clients) if (this.queue.holder !== client) this.terminate(client, goodbye);
    if (this.queue.holder?.socket) await this.within(CLOSE_GRACE_MS, this.queue.released());
    for (const client of [...this.clients]) this.terminate(client, goodbye);
    // Cleanups need the backend, which this process's own session may still hold (a request's
    // transaction that outlived the shutdown's drain): they get the same grace, not forever.
    await this.within(CLOSE_GRACE_MS, Promise.all([...this.cleanups]));
    await stopped;
    if (this.socketPath) {
      try {
        unlinkSync(this.socketPath);
      } catch {
        // Removed with the server already.
      }
    }
  }

  private async within(ms: number, work: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** Executes raw protocol bytes on the backend (the caller holds it) and delivers notifications. */
  private async execute(bytes: Buffer): Promise<{ forward: Buffer; status: Status }> {
    const output = Buffer.from(await this.pglite.execProtocolRaw(bytes));
    return scanOutput(output, this.channels, (channel, payload) => this.notify(channel, payload));
  }

  private notify(channel: string, payload: string): void {
    try {
      this.options.onNotification?.(channel, payload);
    } catch {
      // A listener's failure is not the sender's.
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Client connections.

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const session = new Session(this.nextId++, 'a newsgate command', socket);
    this.clients.add(session);
    const reader = new wire.MessageReader(true);
    const inbox: Buffer[] = [];
    let pumping = false;
    const pump = async () => {
      if (pumping) return;
      pumping = true;
      try {
        while (inbox.length > 0 && !session.closed) await this.handle(session, inbox.shift()!);
      } catch (error) {
        this.terminate(session, wire.errorResponse('FATAL', 'XX000', `the embedded database failed: ${error instanceof Error ? error.message : String(error)}`));
      } finally {
        pumping = false;
      }
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        inbox.push(...reader.push(chunk));
      } catch {
        this.terminate(session, wire.errorResponse('FATAL', '08P01', 'invalid message from the client'));
        return;
      }
      void pump();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.end(session));
  }

  private async handle(session: Session, bytes: Buffer): Promise<void> {
    const socket = session.socket!;
    if (!session.started) {
      const request = bytes.readInt32BE(4);
      if (request === wire.SSL_REQUEST || request === wire.GSSENC_REQUEST) {
        socket.write('N');
      } else if (request === wire.CANCEL_REQUEST) {
        // Nothing runs concurrently to cancel: statements run one at a time, each to its end.
        socket.destroy();
      } else if (request === wire.BACKUP_REQUEST) {
        await this.sendBackup(socket);
      } else if (request === wire.PROTOCOL_V3) {
        session.label = wire.startupParameters(bytes.subarray(8)).application_name || session.label;
        session.started = true;
        socket.write(this.startupReply!);
      } else {
        this.terminate(session, wire.errorResponse('FATAL', '08P01', 'unsupported protocol version'));
      }
      return;
    }
    const type = bytes[0]!;
    if (type === TERMINATE) {
      socket.end();
      this.end(session);
      return;
    }
    const renamed = renameStatements(session, bytes);
    await this.queue.run(session, type, async () => {
      // Disconnected while waiting: its cleanup, next in its queue, undoes what it left.
      if (session.closed) return { value: undefined, status: null };
      const { forward, status } = await this.execute(renamed);
      if (!socket.destroyed && forward.length > 0) socket.write(forward);
      return { value: undefined, status };
    });
  }

  private armIdle(session: Session): void {
    session.clearIdle();
    session.idleTimer = setTimeout(() => {
      this.terminate(
        session,
        wire.errorResponse('FATAL', '25P03', `terminating the connection: it kept a transaction open for ${IDLE_IN_TRANSACTION_LIMIT_MS / 1000} s without a statement, while the embedded database runs one transaction at a time`),
      );
    }, IDLE_IN_TRANSACTION_LIMIT_MS);
    session.idleTimer.unref();
  }

  /** Sends a last message, closes the connection and cleans up after the session. */
  private terminate(session: Session, last: Buffer): void {
    const socket = session.socket;
    if (socket && !socket.destroyed) socket.end(last, () => socket.destroy());
    this.end(session);
  }

  /** The session is gone: roll back what it left open, close its statements, free the backend. */
  private end(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    session.clearIdle();
    this.clients.delete(session);
    if (this.queue.holder !== session && session.queued === 0 && session.statements.size === 0) return;
    const cleanup = this.queue.run(session, 0, async () => {
      if (session.extendedPending || this.pglite.isInTransaction()) {
        // A simple-query ROLLBACK also aborts the implicit transaction of an unfinished extended
        // sequence (a Sync would commit it); after an error the backend skips to the Sync, and a
        // failed transaction block needs a second ROLLBACK.
        await this.execute(wire.query('ROLLBACK'));
        await this.execute(wire.sync());
        if (this.pglite.isInTransaction()) await this.execute(wire.query('ROLLBACK'));
      }
      session.extendedPending = false;
      const statements = [...session.statements.values()];
      session.statements.clear();
      session.portals.clear();
      if (statements.length > 0) await this.execute(Buffer.concat([...statements.map((name) => wire.close('S', name)), wire.sync()]));
      return { value: undefined, status: 'I' as Status };
    })
      .catch(() => undefined)
      .finally(() => this.cleanups.delete(cleanup));
    this.cleanups.add(cleanup);
  }

  private async sendBackup(socket: Socket): Promise<void> {
    let data: Buffer;
    try {
      if (!this.options.backup) throw new Error('this process does not make backups');
      data = await this.options.backup();
    } catch (error) {
      socket.end(wire.errorResponse('ERROR', 'XX000', error instanceof Error ? error.message : String(error)));
      return;
    }
    for (let offset = 0; offset < data.length && !socket.destroyed; offset += BACKUP_CHUNK_BYTES) {
      if (!socket.write(wire.message('d', data.subarray(offset, offset + BACKUP_CHUNK_BYTES)))) {
        await new Promise<void>((resolve) => {
          socket.once('drain', resolve);
          socket.once('close', resolve);
        });
      }
    }
    if (!socket.destroyed) socket.end(wire.message('c'));
  }
}
