import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import 'reflect-metadata';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';

/**
 * Without DATABASE_URL, migrate one in-memory PGlite and save its data directory: every test file
 * restores it in about a second instead of running initdb and the migrations itself. The path
 * reaches the workers through the environment they inherit.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const handle = await openDatabase({ ...loadConfig({ LOG_LEVEL: 'silent' }), dataDir: 'memory://' });
  try {
    const dump = await handle.pglite!.dumpDataDir('gzip');
    const file = path.join(os.tmpdir(), `newsgate-pglite-${process.pid}.tar.gz`);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    process.env.NEWSGATE_PGLITE_SNAPSHOT = file;
  } finally {
    await handle.close();
  }
}
