import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, rmdirSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The interlock that keeps two processes from opening one embedded data directory. PGlite is a
 * single-user Postgres that assumes it is alone: a second instance on the same directory keeps its
 * own buffer cache and WAL position, neither sees the other's writes, and the first checkpoint of
 * one recycles WAL the other still writes to, which leaves a directory Postgres cannot recover
 * ("could not locate a valid checkpoint record", PGlite's `Aborted()`). PGlite's own
 * postmaster.pid cannot tell two instances apart (every one writes the same pid), hence this file.
 *
 * `newsgate.lock` in the data directory names the owner: pid, command, start time, and the Unix
 * socket through which it lets other newsgate processes in (null when it does not). It is created
 * atomically with its whole content (a hard link of a finished temporary file), removed when the
 * owner closes the database or exits, and taken over when the process it names is dead, so a
 * directory left by a crash or SIGKILL opens again.
 */
export const LOCK_FILE = 'newsgate.lock';

export interface OwnerInfo {
  pid: number;
  /** What runs, as an operator would type it: `newsgate serve`, `npm start`. */
  command: string;
  /** ISO time the owner took the directory. */
  startedAt: string;
  hostname: string;
  /** The Unix socket (`<dir>/.s.PGSQL.5432`) of an owner that serves other processes, else null. */
  socket: string | null;
  /** Linux: the boot and the process start time, so a pid reused by another process is not taken for the owner. */
  bootId: string | null;
  startTicks: string | null;
  /** Tells this owner's lock from a later one with the same pid. */
  nonce: string;
}

type OwnerState = 'live' | 'dead' | 'unknown';

export type LockAttempt = { acquired: DataDirLock } | { owner: OwnerInfo; state: 'live' | 'unknown' };

/** Directories this process holds (realpaths): a second open in the same process is refused, not taken over. */
const held = new Set<string>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DataDirLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(
    /** The data directory's real path. */
    readonly dataDir: string,
    readonly info: OwnerInfo,
  ) {
    held.add(dataDir);
    // A process that exits without closing (an uncaught error, process.exit) leaves the directory
    // as a crash would, which the next owner recovers; the lock need not outlive it.
    process.once('exit', this.onExit);
  }

  get file(): string {
    return path.join(this.dataDir, LOCK_FILE);
  }

  /**
   * Takes the directory (created when missing) for this process, or reports the live owner. A lock
   * whose process is dead is removed and the attempt repeated; `unknown` is a lock written on
   * another host, whose process cannot be checked from here.
   */
  static async acquire(dataDir: string, claim: Pick<OwnerInfo, 'socket'>): Promise<LockAttempt> {
    mkdirSync(dataDir, { recursive: true });
    const realDir = realPath(dataDir);
    const lockPath = path.join(realDir, LOCK_FILE);
    const info: OwnerInfo = {
      pid: process.pid,
      command: describeCommand(),
      startedAt: new Date().toISOString(),
      hostname: os.hostname(),
      socket: claim.socket,
      bootId: bootId(),
      startTicks: processStartTicks(process.pid),
      nonce: randomBytes(8).toString('hex'),
    };
    for (;;) {
      if (createExclusively(lockPath, `${JSON.stringify(info, null, 2)}\n`)) return { acquired: new DataDirLock(realDir, info) };
      const owner = await readOwner(lockPath);
      if (owner === 'missing') continue;
      if (owner === 'unreadable') {
        return { owner: { pid: 0, command: 'unknown (the lock file cannot be read)', startedAt: '', hostname: os.hostname(), socket: null, bootId: null, startTicks: null, nonce: '' }, state: 'unknown' };
      }
      const state = ownerState(realDir, owner);
      if (state !== 'dead') return { owner, state };
      await removeStale(lockPath, owner);
    }
  }

  /** The lock's owner when it is alive (or cannot be checked), else null; never takes anything. */
  static async inspect(dataDir: string): Promise<{ owner: OwnerInfo; state: 'live' | 'unknown' } | null> {
    let realDir: string;
    try {
      realDir = realPath(dataDir);
    } catch {
      return null;
    }
    const owner = await readOwner(path.join(realDir, LOCK_FILE));
    if (owner === 'missing') return null;
    if (owner === 'unreadable') return null;
    const state = ownerState(realDir, owner);
    return state === 'dead' ? null : { owner, state };
  }

  /**
   * Moves this lock to another directory that is about to replace the locked one (restore): the
   * same owner, written there before the swap so the directory is never unowned.
   */
  writeInto(otherDir: string): void {
    writeFileSync(path.join(otherDir, LOCK_FILE), `${JSON.stringify(this.info, null, 2)}\n`, { mode: 0o644 });
  }

  /** Removes the lock if it is still this process's (idempotent, synchronous: safe in an exit handler). */
  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this.dataDir);
    process.removeListener('exit', this.onExit);
    try {
      const current = JSON.parse(readFileSync(this.file, 'utf8')) as OwnerInfo;
      if (current.nonce === this.info.nonce) unlinkSync(this.file);
    } catch {
      // Gone already, or replaced: nothing of ours to remove.
    }
  }
}

/** Symlinks and relative paths resolved: one directory, one lock. */
function realPath(dir: string): string {
  return realpathSync.native(dir);
}

/** Creates `file` with `content` only if it does not exist, never visible half-written. */
function createExclusively(file: string, content: string): boolean {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, content, { mode: 0o644 });
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // A file system without hard links: an exclusive create, which readers may see empty for an instant.
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (inner) {
      if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw inner;
    }
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    return true;
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // Already gone.
    }
  }
}

async function readOwner(file: string): Promise<OwnerInfo | 'missing' | 'unreadable'> {
  // A lock written without hard links may be read empty while its creator writes it: read again.
  for (let attempt = 0; attempt < 40; attempt++) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw error;
    }
    try {
      const info = JSON.parse(text) as OwnerInfo;
      if (Number.isSafeInteger(info.pid) && typeof info.nonce === 'string') return info;
    } catch {
      // Half-written: try again.
    }
    await sleep(50);
  }
  return 'unreadable';
}

function ownerState(realDir: string, owner: OwnerInfo): OwnerState {
  if (owner.hostname !== os.hostname()) return 'unknown';
  // Our own pid in a lock we do not hold: written by an earlier process that had this pid (a
  // container restarted with the same process tree).
  if (owner.pid === process.pid) return held.has(realDir) ? 'live' : 'dead';
  const boot = bootId();
  if (boot && owner.bootId && boot !== owner.bootId) return 'dead';
  const ticks = processStartTicks(owner.pid);
  if (ticks && owner.startTicks) return ticks === owner.startTicks ? 'live' : 'dead';
  try {
    process.kill(owner.pid, 0);
    return 'live';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'live' : 'dead';
  }
}

/**
 * Removes a dead owner's lock. Two processes may find the same stale lock: a takeover directory
 * lets one at a time remove it, and only if it still holds the dead owner's nonce, so a lock that
 * a third process has just created is never removed. Whoever then creates the lock first owns it.
 */
async function removeStale(lockPath: string, stale: OwnerInfo): Promise<void> {
  const guard = `${lockPath}.takeover`;
  try {
    mkdirSync(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process is taking over; its guard lives for a few milliseconds unless it died holding it.
    try {
      if (Date.now() - statSync(guard).mtimeMs > 10_000) rmdirSync(guard);
    } catch {
      // Removed meanwhile.
    }
    await sleep(20);
    return;
  }
  try {
    const current = await readOwner(lockPath);
    if (typeof current === 'object' && current.nonce === stale.nonce) {
      unlinkSync(lockPath);
      removeDeadSocket(stale.socket);
    }
  } finally {
    rmdirSync(guard);
  }
}

/** A killed owner leaves its socket and the directory it made for it: both go with its lock. */
function removeDeadSocket(socket: string | null): void {
  if (!socket || !/[\\/]\.s\.PGSQL\.\d+$/.test(socket)) return;
  try {
    if (lstatSync(socket).isSocket()) unlinkSync(socket);
    // Only ever removes an empty directory.
    rmdirSync(path.dirname(socket));
  } catch {
    // Gone already, or not ours to remove.
  }
}

let cachedBootId: string | null | undefined;

function bootId(): string | null {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      cachedBootId = null;
    }
  }
  return cachedBootId;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot (Linux). */
function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** The process as an operator would name it in `ps` or a terminal. */
export function describeCommand(argv: string[] = process.argv): string {
  const script = argv[1] ?? '';
  const args = argv.slice(2).join(' ');
  if (/[\\/]cli[\\/]main\.[jt]s$/.test(script)) return `newsgate ${args}`.trim();
  const npmScript = process.env.npm_lifecycle_event;
  if (npmScript) return npmScript === 'start' || npmScript === 'test' ? `npm ${npmScript}` : `npm run ${npmScript}`;
  return `node ${path.relative(process.cwd(), script) || script} ${args}`.trim();
}

/** "pid 4242 (`newsgate serve`, since 2026-01-05 10:00:00 UTC)" */
export function describeOwner(owner: OwnerInfo, state: 'live' | 'unknown'): string {
  const since = owner.startedAt ? `, since ${owner.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}` : '';
  const where = state === 'unknown' && owner.hostname !== os.hostname() ? ` on host ${owner.hostname}` : '';
  return `pid ${owner.pid}${where} (\`${owner.command}\`${since})`;
}
