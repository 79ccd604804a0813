import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { ChangeSignals } from '../change-signals';
import { EmbeddedNotifications } from '../notifications';
import { DataDirLock, describeOwner, LOCK_FILE, type OwnerInfo } from './data-dir-lock';
import { CHANGES_CHANNEL, PgliteHost } from './pglite-host';
import { gzip, tarDirectory } from './tarball';

/**
 * How a process uses an embedded DATA_DIR:
 * - `server` (the gateway, `newsgate worker`): it must own the directory, and lets newsgate
 *   commands in through a Unix socket for as long as it runs;
 * - `command` (every other command): it owns the directory alone when nobody does, or runs through
 *   the live server that owns it, as a client of its socket.
 */
export type EmbeddedRole = 'server' | 'command';

export type EmbeddedFailure = 'in-use' | 'damaged' | 'unreachable' | 'failed';

/** Why the embedded database cannot be used: the message is the operator's whole answer (exit code 3). */
export class EmbeddedDatabaseError extends Error {
  constructor(
    message: string,
    readonly failure: EmbeddedFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmbeddedDatabaseError';
  }
}

export interface EmbeddedOwner {
  kind: 'owner';
  dataDir: string;
  pglite: PGlite;
  host: PgliteHost;
  changes: ChangeSignals;
  /** LISTEN for this process, on the one backend every session shares (../notifications.ts). */
  notifications: EmbeddedNotifications;
  /** Lets other processes in through the socket named in the lock (servers, once migrated). */
  serve(): Promise<void>;
  /** Disconnects clients, closes PGlite and gives the directory up. */
  close(): Promise<void>;
}

export interface EmbeddedClient {
  kind: 'client';
  dataDir: string;
  /** The owner whose socket this process uses. */
  owner: OwnerInfo;
  socket: string;
}

/** How long a command waits for a starting owner to open its socket (initdb and migrations included). */
const OWNER_START_WAIT_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** PGlite with the extensions the migrations use, in `dataDir` or in memory (`memory://`). */
export async function openPglite(dataDir: string, snapshot?: Blob | File): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const extensions = { pg_trgm };
  const pglite = dataDir === 'memory://' ? new PGlite({ extensions, loadDataDir: snapshot }) : new PGlite({ dataDir, extensions, loadDataDir: snapshot });
  await pglite.waitReady;
  return pglite as unknown as PGlite;
}

/**
 * Opens PGlite on a directory this process owns. PGlite stops with a bare `Aborted()` (its
 * WebAssembly Postgres PANICked) on a directory it cannot recover, such as one two processes
 * wrote at once: that becomes one line saying what to do.
 */
async function startPglite(dataDir: string, snapshot?: Blob | File): Promise<PGlite> {
  const hadDatabase = existsSync(path.join(dataDir, 'PG_VERSION'));
  try {
    return await openPglite(dataDir, snapshot);
  } catch (error) {
    const reason = firstLine(error);
    // PGlite stopped on what it found in the directory (a PANIC is WebAssembly's `Aborted()`), as
    // opposed to the operating system refusing a file (a Node error code: permissions, a full disk).
    const refusedBySystem = typeof (error as { code?: unknown } | null)?.code === 'string' && !isEngineAbort(error);
    if (hadDatabase && !snapshot && !refusedBySystem) throw damaged(dataDir, reason, error);
    throw new EmbeddedDatabaseError(`the embedded database in ${dataDir} could not be ${hadDatabase ? 'opened' : 'created'}: ${reason}`, 'failed', { cause: error });
  }
}

function damaged(dataDir: string, reason: string, cause?: unknown): EmbeddedDatabaseError {
  return new EmbeddedDatabaseError(
    `the embedded database in ${dataDir} is damaged and cannot be opened (PGlite: ${reason}). ` +
      `Restore a backup with \`newsgate restore <file> --force\`, or move the directory aside (mv ${shellQuote(dataDir)} ${shellQuote(`${dataDir}.damaged`)}) and start again with an empty one`,
    'damaged',
    { cause },
  );
}

function isEngineAbort(error: unknown): boolean {
  // WebAssembly's RuntimeError (abort(), an unreachable instruction) or Emscripten's exit.
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return name === 'RuntimeError' || name === 'ExitStatus' || (typeof message === 'string' && /\bAborted\(|PANIC/.test(message));
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  // PGlite's abort message ends with a hint for its own developers ("Build with -sASSERTIONS…").
  return text.split('\n')[0]!.replace(/\.\s*Build with -sASSERTIONS.*$/, '').trim();
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `<tmp>/newsgate-<uid>-<hash of the directory>/.s.PGSQL.5432`: short enough for a Unix socket path, private to the user. */
function socketPathFor(dataDir: string): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const hash = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `newsgate-${uid}-${hash}`, '.s.PGSQL.5432');
}

/**
 * The socket has no password: its directory is what keeps other users out, so it must be a real
 * directory of this user that nobody else can enter.
 */
function prepareSocketDirectory(directory: string): void {
  try {
    mkdirSync(directory, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stat = lstatSync(directory);
  const uid = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
  if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) {
    throw new EmbeddedDatabaseError(`refusing to put the embedded database's socket in ${directory}: it is not a private directory of this user (remove it and start again)`, 'failed');
  }
}

function describeInUse(dataDir: string, owner: OwnerInfo, state: 'live' | 'unknown'): string {
  const who = describeOwner(owner, state);
  if (state === 'unknown') {
    return `the embedded database in ${dataDir} is locked by ${who}; if no process there uses it any more, remove ${path.join(dataDir, LOCK_FILE)} and run this again`;
  }
  if (!owner.socket) return `the embedded database in ${dataDir} is in use by ${who}, which does not share it: wait for it to finish, then run this again`;
  return (
    `the embedded database in ${dataDir} is in use by ${who}: one process owns a DATA_DIR and newsgate commands run through it; ` +
    `stop that process first (kill ${owner.pid}) or give this one another DATA_DIR; several gateways or workers on one database need Postgres (DATABASE_URL)`
  );
}

/** Whether something accepts connections on the Unix socket. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface OpenEmbeddedOptions {
  role: EmbeddedRole;
  /** A data-directory snapshot (dumpDataDir) to start an empty directory from. */
  snapshot?: Blob | File;
}

/** Takes the directory, or finds the owner whose socket to use: see EmbeddedRole. */
export async function openEmbedded(dataDir: string, options: OpenEmbeddedOptions): Promise<EmbeddedOwner | EmbeddedClient> {
  for (;;) {
    const socketPath = options.role === 'server' ? socketPathFor(dataDir) : null;
    const attempt = await DataDirLock.acquire(dataDir, { socket: socketPath });
    if ('acquired' in attempt) return takeOwnership(dataDir, attempt.acquired, socketPath, options.snapshot);
    const { owner, state } = attempt;
    if (options.role === 'server' || state === 'unknown' || !owner.socket) throw new EmbeddedDatabaseError(describeInUse(dataDir, owner, state), 'in-use');
    if (await ownerAnswers(dataDir, owner)) return { kind: 'client', dataDir, owner, socket: owner.socket };
    // The owner went away meanwhile: try again (this process may now own the directory).
  }
}

/** Waits while a live owner starts (its socket opens after its migrations); false once it is gone. */
async function ownerAnswers(dataDir: string, owner: OwnerInfo): Promise<boolean> {
  const deadline = Date.now() + OWNER_START_WAIT_MS;
  for (;;) {
    if (await answers(owner.socket!)) return true;
    const current = await DataDirLock.inspect(dataDir);
    if (!current || current.owner.nonce !== owner.nonce) return false;
    if (Date.now() > deadline) {
      throw new EmbeddedDatabaseError(
        `the embedded database in ${dataDir} is owned by ${describeOwner(owner, 'live')}, which does not answer on ${owner.socket ?? 'its socket'}: stop it (kill ${owner.pid}), then run this again`,
        'unreachable',
      );
    }
    await sleep(100);
  }
}

async function takeOwnership(dataDir: string, lock: DataDirLock, socketPath: string | null, snapshot?: Blob | File): Promise<EmbeddedOwner> {
  let pglite: PGlite | null = null;
  try {
    pglite = await startPglite(dataDir, snapshot);
    const engine = pglite;
    const changes = new ChangeSignals();
    const notifications = new EmbeddedNotifications((channel) => host.listenTo(channel));
    const host: PgliteHost = new PgliteHost(engine, {
      backup: () => consistentBackup(host, engine, dataDir),
      onNotification: (channel, payload) => {
        if (channel === CHANGES_CHANNEL) changes.received(payload);
        else notifications.deliver(channel, payload);
      },
    });
    await host.start();
    let closed = false;
    return {
      kind: 'owner',
      dataDir,
      pglite: engine,
      host,
      changes,
      notifications,
      serve: async () => {
        if (!socketPath) throw new Error('this process took the embedded database without a socket');
        prepareSocketDirectory(path.dirname(socketPath));
        try {
          // Ours: the lock is held, so a socket file left here is a dead owner's.
          unlinkSync(socketPath);
        } catch {
          // None.
        }
        await host.listen(socketPath);
      },
      close: async () => {
        if (closed) return;
        closed = true;
        try {
          await host.close();
          if (!engine.closed) await engine.close();
        } finally {
          if (socketPath) {
            try {
              rmdirSync(path.dirname(socketPath));
            } catch {
              // Not empty or already gone.
            }
          }
          lock.release();
        }
      },
    };
  } catch (error) {
    if (pglite && !pglite.closed) await pglite.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}

/**
 * A copy of the data directory that opens as it was at one moment: taken between transactions
 * (nothing else runs meanwhile) after a CHECKPOINT, so the files hold every committed change and
 * need no WAL replay. The format is that of PGlite's dumpDataDir (a tar loadDataDir restores),
 * but the files are read with Node's file system calls: dumpDataDir reads through PGlite's
 * emulated file system and took 4.6 s for a 73 MB directory, all of it with every session waiting,
 * where this takes a fraction of a second. Compressing happens after the others may go on.
 */
export async function consistentBackup(host: PgliteHost, pglite: PGlite, dataDir: string): Promise<Buffer> {
  const tar = await host.exclusive(async () => {
    await pglite.exec('CHECKPOINT');
    return tarDirectory(dataDir, (name) => name.startsWith(LOCK_FILE));
  });
  return gzip(tar);
}
