/**
 * A worker process for the crash test: runs one source against the database in DATABASE_URL, a
 * little slowly (INGEST_CHILD_DELAY_MS per new article) so the test can kill it in the middle.
 * Prints `claimed` once it has started writing.
 */
import 'reflect-metadata';
import { ArticleWriteRepository, type ArticleWrite } from '../../src/article/article-write.repository';
import { createLogger } from '../../src/common/logger';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';
import { SqlExecutor } from '../../src/db/sql-executor';
import { IngestService } from '../../src/ingest/ingest.service';
import { ingestRepositories } from './ingest-repositories';
import type { EntityManager } from 'typeorm';

class SlowWriter extends ArticleWriteRepository {
  private announced = false;
  override async insertNew(manager: EntityManager, articles: readonly ArticleWrite[]) {
    if (!this.announced) {
      this.announced = true;
      process.stdout.write('writing\n');
    }
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.INGEST_CHILD_DELAY_MS ?? '2') * articles.length));
    return super.insertNew(manager, articles);
  }
}

async function main() {
  const config = loadConfig();
  const database = await openDatabase(config);
  const db = new SqlExecutor(database.dataSource);
  const ingest = new IngestService({ config, db, logger: createLogger('silent'), repositories: ingestRepositories(db, new SlowWriter()) });
  const report = await ingest.runSource(process.env.INGEST_CHILD_SOURCE_ID!);
  process.stdout.write(`done ${report.outcome}\n`);
  await ingest.close();
  await database.close();
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
