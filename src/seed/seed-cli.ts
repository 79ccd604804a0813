import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/config';
import { openDatabase } from '../db/data-source';
import { SqlExecutor } from '../db/sql-executor';
import { seed } from './seed';

/** `npm run seed`: migrations, then the catalog and the bundled sample page, idempotently. */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const report = await seed(new SqlExecutor(database.dataSource));
    console.log(
      `Seeded ${database.kind}: ${report.sources} sources, ${report.people} people; ` +
        report.articles.map((a) => `${a.file}: article ${a.outcome}`).join('; ') +
        `; ${report.feedItemsWritten} feed item(s) written.`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
