import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/config';
import { openDatabase } from '../db/data-source';
import { SqlExecutor } from '../db/sql-executor';
import { createLogger } from '../common/logger';
import { openCacheInvalidation } from '../cache/cache-invalidation';
import { seed } from '../seed/seed';

/** `npm run seed`: migrations, then the catalog and the bundled sample page, idempotently. */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  const db = new SqlExecutor(database.dataSource);
  // The gateways' cached responses end once the seed commits: through Redis (REDIS_URL), or the
  // embedded database's owner when this runs beside it.
  const cache = await openCacheInvalidation(config, createLogger(config.logLevel), db);
  try {
    const report = await seed(db, undefined, { invalidation: cache.invalidation });
    console.log(
      `Seeded ${database.kind}: ${report.sources} sources, ${report.people} people; ` +
        report.articles.map((a) => `${a.file}: article ${a.outcome}`).join('; ') +
        `; ${report.feedItemsWritten} feed item(s) written.`,
    );
  } finally {
    await cache.close();
    await database.close();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
