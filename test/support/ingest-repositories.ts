import { ArticleWriteRepository } from '../../src/article/article-write.repository';
import type { SqlExecutor } from '../../src/db/sql-executor';
import type { IngestRepositories } from '../../src/ingest/ingest.service';
import { PersonRepository } from '../../src/person/person.repository';
import { SourceRegistryRepository } from '../../src/source/source-registry.repository';
import { SourceRepository } from '../../src/source/source.repository';

/** The repositories an IngestService works through, as the composition root builds them; a test may pass its own writer. */
export function ingestRepositories(db: SqlExecutor, writer: ArticleWriteRepository = new ArticleWriteRepository()): IngestRepositories {
  return { registry: new SourceRegistryRepository(db), sources: new SourceRepository(db), people: new PersonRepository(db), writer };
}
