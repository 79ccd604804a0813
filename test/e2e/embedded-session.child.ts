import 'reflect-metadata';
import readline from 'node:readline';
import type { PoolClient } from 'pg';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';

/**
 * The second process of embedded-owner.e2e-spec.ts: a database session driven one line at a time
 * on stdin, answering one line per command on stdout once the command has finished. It opens
 * DATA_DIR as every newsgate command does, so with a gateway (or the test) owning the directory it
 * runs through the owner's socket.
 *
 *   begin | insert <name> | commit | rollback | names | prepared-names | exit
 */
async function main(): Promise<void> {
  const handle = await openDatabase(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }));
  const runner = handle.dataSource.createQueryRunner();
  await runner.connect();
  // The runner's own connection: the pool has one, and the runner holds it.
  const connection = () => (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
  const answer = (line: string) => process.stdout.write(`${line}\n`);
  answer(`ready ${handle.embedded?.access ?? 'none'}`);
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const [command, argument] = line.trim().split(/\s+/);
    switch (command) {
      case 'begin':
        await runner.startTransaction();
        break;
      case 'insert':
        await runner.query('INSERT INTO isolation_probe (name) VALUES ($1)', [argument]);
        break;
      case 'commit':
        await runner.commitTransaction();
        break;
      case 'rollback':
        await runner.rollbackTransaction();
        break;
      case 'names': {
        const rows = (await runner.query('SELECT name FROM isolation_probe ORDER BY name')) as Array<{ name: string }>;
        answer(`names ${JSON.stringify(rows.map((row) => row.name))}`);
        continue;
      }
      case 'prepared-names': {
        // The same statement name the owner prepares for itself: sessions' names stay apart.
        const { rows } = await connection().query<{ name: string }>({ name: 'probe_names', text: 'SELECT name FROM isolation_probe ORDER BY name' });
        answer(`prepared-names ${JSON.stringify(rows.map((row) => row.name))}`);
        continue;
      }
      case 'exit':
        await runner.release();
        await handle.close();
        answer('bye');
        return;
      default:
        answer(`unknown ${command}`);
        continue;
    }
    answer(`done ${command}`);
  }
}

main().catch((error) => {
  process.stdout.write(`failed ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
