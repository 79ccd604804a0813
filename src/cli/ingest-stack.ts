import type { IngestService } from '../ingest/ingest.service';
import { SourceRepository } from '../source/source.repository';
import type { SourceRegistryRepository } from '../source/source-registry.repository';
import type { SourceRegistryService } from '../source-registry/source-registry.service';
import { openCacheInvalidation } from '../cache/cache-invalidation';
import type { CliContext } from './cli-context';

/**
 * The ingest stack, loaded when a command runs: registering commands (and `--help`) stays fast.
 * With require(), not `await import()`, for the reason given in ./commands.ts.
 */
export function ingestStack() {
  return {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
    ...(require('../ingest/ingest.service') as typeof import('../ingest/ingest.service')),
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
    ...(require('../ingest/scheduler/ingest-worker') as typeof import('../ingest/scheduler/ingest-worker')),
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
    ...(require('../source-registry/source-registry.service') as typeof import('../source-registry/source-registry.service')),
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
    ...(require('../source/source-registry.repository') as typeof import('../source/source-registry.repository')),
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
    ...(require('../person/person.repository') as typeof import('../person/person.repository')),
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
    ...(require('../article/article-write.repository') as typeof import('../article/article-write.repository')),
  };
}

/** The registry's repository over the command's database. */
export function registryRepository(ctx: Pick<CliContext, 'db'>): SourceRegistryRepository {
  return new (ingestStack().SourceRegistryRepository)(ctx.db);
}

export interface IngestServices {
  ingest: IngestService;
  registry: SourceRegistryService;
}

/** The ingest services over one database, with stored items ending the shared response cache (REDIS_URL). */
export async function withIngest<T>(ctx: CliContext, work: (services: IngestServices) => Promise<T>): Promise<T> {
  const cache = await openCacheInvalidation(ctx.config, ctx.logger, ctx.db);
  const { IngestService, SourceRegistryService, SourceRegistryRepository, ArticleWriteRepository, PersonRepository } = ingestStack();
  const sources = new SourceRepository(ctx.db);
  const sourceRegistry = new SourceRegistryRepository(ctx.db);
  const ingest = new IngestService({
    config: ctx.config,
    db: ctx.db,
    logger: ctx.logger,
    repositories: { registry: sourceRegistry, sources, people: new PersonRepository(ctx.db), writer: new ArticleWriteRepository() },
  });
  ingest.onItemsStored(() => cache.invalidation.newItemsStored());
  const registry = new SourceRegistryService(ctx.db, sources, sourceRegistry, ingest, ctx.config.ingest.defaultIntervalMinutes);
  try {
    return await work({ ingest, registry });
  } finally {
    await ingest.close();
    await cache.close();
  }
}
