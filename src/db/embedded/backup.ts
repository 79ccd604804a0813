import { existsSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { DataDirLock, describeOwner, LOCK_FILE, type OwnerInfo } from './data-dir-lock';
import { consistentBackup, EmbeddedDatabaseError, openEmbedded, openPglite } from './embedded-database';
import { gunzip, hasTopLevelFile, withoutTopLevelFiles } from './tarball';
import * as wire from './wire';

/**
 * Why a backup or restore did not happen, as the command line's exit codes tell it (2, 4, 1).
 * @public loaded by `newsgate backup` and `restore` through a lazy require (src/cli/database-commands.ts), which knip cannot follow.
 */
export class BackupError extends Error {
  constructor(
    message: string,
    readonly kind: 'usage' | 'not-found' | 'failed',
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

interface Backup {
  /** The data directory as a gzipped tar, the format of PGlite's dumpDataDir. */
  data: Buffer;
  /** The owner that made the copy while serving, or null when this process opened the directory. */
  through: OwnerInfo | null;
}

/**
 * A consistent copy of the embedded database in `dataDir`: made by the owner when a gateway or
 * worker runs on it (it pauses other sessions between two transactions for the copy), otherwise
 * by this process, which then owns the directory for the moment it takes. Never migrates.
 * @public loaded by `newsgate backup` and `restore` through a lazy require (src/cli/database-commands.ts), which knip cannot follow.
 */
export async function backupDataDir(dataDir: string): Promise<Backup> {
  const owned = await DataDirLock.inspect(dataDir);
  if (!owned && !existsSync(path.join(dataDir, 'PG_VERSION'))) throw new BackupError(`there is no embedded database in ${dataDir} to back up`, 'not-found');
  const embedded = await openEmbedded(dataDir, { role: 'command' });
  if (embedded.kind === 'client') return { data: await requestBackup(embedded.socket), through: embedded.owner };
  try {
    return { data: await consistentBackup(embedded.host, embedded.pglite, embedded.dataDir), through: null };
  } finally {
    await embedded.close();
  }
}

/** Asks the owner listening on `socketPath` for a backup (newsgate's request, answered as COPY data). */
function requestBackup(socketPath: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const reader = new wire.MessageReader(false);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    socket.once('connect', () => socket.write(wire.request(wire.BACKUP_REQUEST)));
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = reader.push(chunk);
      } catch (error) {
        finish(error as Error);
        return;
      }
      for (const message of messages) {
        const type = String.fromCharCode(message[0]!);
        if (type === 'd') chunks.push(Buffer.from(message.subarray(5)));
        else if (type === 'c') finish(null);
        else if (type === 'E') finish(new BackupError(`the owner could not make the backup: ${wire.errorText(message.subarray(5))}`, 'failed'));
      }
    });
    socket.once('error', (error) => finish(error));
    socket.once('close', () => finish(new BackupError('the owner closed the connection before the backup was complete', 'failed')));
  });
}

interface RestoreReport {
  /** Where the directory that was replaced now is (null when there was no database). */
  keptAs: string | null;
  /** Migrations applied in the restored database (newer ones run at the next start). */
  migrations: number;
}

/**
 * Replaces the embedded database in `dataDir` with a backup (`archive`, a gzipped tar). Refuses
 * while any process uses the directory, and, unless `force`, when it holds a database; with
 * `force` the old directory is renamed aside, never deleted. The backup is opened in a directory
 * beside the target first, so a bad archive leaves the target as it was.
 * @public loaded by `newsgate backup` and `restore` through a lazy require (src/cli/database-commands.ts), which knip cannot follow.
 */
export async function restoreDataDir(dataDir: string, archive: Buffer, label: string, options: { force: boolean }): Promise<RestoreReport> {
  let tar: Buffer;
  try {
    tar = await gunzip(archive);
  } catch {
    throw new BackupError(`${label} is not a backup made by \`newsgate backup\` (not a gzip file)`, 'failed');
  }
  if (!hasTopLevelFile(tar, 'PG_VERSION')) throw new BackupError(`${label} is not a backup of an embedded database (it holds no PG_VERSION)`, 'failed');

  const attempt = await DataDirLock.acquire(dataDir, { socket: null });
  if (!('acquired' in attempt)) {
    throw new EmbeddedDatabaseError(`cannot restore into ${dataDir}: it is in use by ${describeOwner(attempt.owner, attempt.state)}; stop that process first (restore replaces the whole directory)`, 'in-use');
  }
  const lock = attempt.acquired;
  const target = lock.dataDir;
  try {
    const holdsDatabase = readdirSync(target).some((entry) => entry !== LOCK_FILE);
    if (holdsDatabase && !options.force) {
      throw new BackupError(`${dataDir} already holds a database: add --force to replace it (it is kept as ${dataDir}.before-restore-<time>, not deleted)`, 'usage');
    }
    const staging = `${target}.restoring-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    let migrations: number;
    try {
      const pglite = await openPglite(staging, new Blob([withoutTopLevelFiles(tar, [LOCK_FILE])]));
      try {
        const { rows } = await pglite.query<{ count: number }>(`SELECT CASE WHEN to_regclass('public.migrations') IS NULL THEN 0 ELSE (SELECT count(*)::int FROM migrations) END AS count`);
        migrations = rows[0]?.count ?? 0;
      } finally {
        await pglite.close();
      }
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (error instanceof BackupError) throw error;
      const reason = error instanceof Error ? error.message.split('\n')[0]!.replace(/\.\s*Build with -sASSERTIONS.*$/, '') : String(error);
      throw new BackupError(`${label} could not be restored: PGlite cannot open the database in it (${reason})`, 'failed');
    }
    // The replacement is ours before it takes the directory's place.
    lock.writeInto(staging);
    let keptAs: string | null = null;
    if (holdsDatabase) {
      keptAs = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(target, keptAs);
    } else {
      rmSync(target, { recursive: true, force: true });
    }
    try {
      renameSync(staging, target);
    } catch (error) {
      throw new BackupError(`the backup is restored in ${staging}, but it could not take the place of ${dataDir} (${(error as Error).message}); move it there by hand`, 'failed');
    } finally {
      if (keptAs) {
        try {
          unlinkSync(path.join(keptAs, LOCK_FILE));
        } catch {
          // Not there.
        }
      }
    }
    return { keptAs, migrations };
  } finally {
    lock.release();
  }
}
