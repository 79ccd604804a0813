import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import 'reflect-metadata';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';

const ROOT = path.resolve(__dirname, '../..');
/** Snapshots of the migrated database, one per state of what builds it (see snapshotKey). */
export const SNAPSHOT_CACHE = path.join(os.tmpdir(), 'newsgate-pglite-snapshots');
const UNUSED_FOR_MS = 2 * 24 * 3600_000;

/**
 * Without DATABASE_URL, migrate one in-memory PGlite and save its data directory: every test file
 * restores it in about a second instead of running initdb and the migrations itself. The path
 * reaches the workers through the environment they inherit.
 *
 * The snapshot is kept between runs, named by a hash of everything that shapes it (this file,
 * the migrations, src/db, the PGlite and TypeORM versions): initdb and the migrations take 5 s on a
 * quiet machine and 20 s or more on a busy one, before any test can start. Any change to those
 * files builds a new one; snapshots unused for two days are deleted. It is an uncompressed tar
 * (what loadDataDir reads without gunzipping first, a tenth of a second per test file).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const file = path.join(SNAPSHOT_CACHE, `${snapshotKey()}.tar`);
  mkdirSync(SNAPSHOT_CACHE, { recursive: true });
  forgetUnused(file);
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    await buildSnapshot(file);
  }
  process.env.NEWSGATE_PGLITE_SNAPSHOT = file;
}

async function buildSnapshot(file: string): Promise<void> {
  const handle = await openDatabase({ ...loadConfig({ LOG_LEVEL: 'silent' }), dataDir: 'memory://' });
  try {
    // Tests hold a few hundred rows: 16 MB of shared buffers instead of initdb's 128 MB, which
    // every restore allocates and clears (895 ms per restore before, 578 ms after, plain node).
    await handle.pglite!.exec(`ALTER SYSTEM SET shared_buffers = '16MB'`);
    const dump = await handle.pglite!.dumpDataDir('none');
    // Written aside and renamed: a run starting meanwhile never reads half a snapshot.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
  } finally {
    await handle.close();
  }
}

export function snapshotKey(): string {
  const hash = createHash('sha256');
  // Their package.json files, read as files: neither package exports it.
  for (const name of ['@electric-sql/pglite', 'typeorm']) hash.update(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json')));
  for (const file of [__filename, ...sourceFiles('migrations'), ...sourceFiles('src/db')]) {
    hash.update(`\0${path.relative(ROOT, file)}\0`).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath ?? (entry as { path?: string }).path ?? '', entry.name);
    if (entry.isFile() && /\.(ts|js|json|sql)$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name)) files.push(file);
  }
  return files.sort();
}

function forgetUnused(keep: string): void {
  for (const name of readdirSync(SNAPSHOT_CACHE)) {
    const file = path.join(SNAPSHOT_CACHE, name);
    try {
      if (file !== keep && Date.now() - statSync(file).mtimeMs > UNUSED_FOR_MS) rmSync(file, { force: true });
    } catch {
      // another run removed it first
    }
  }
}
