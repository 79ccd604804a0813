import 'reflect-metadata';
import { ConfigError, loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';

/** `npm run migration:run`: applies pending migrations to the configured database and exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  const applied = await database.dataSource.query<Array<{ name: string }>>('SELECT name FROM migrations ORDER BY id');
  console.log(`${database.kind}: ${applied.length} migration(s) applied, none pending.`);
  await database.close();
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
