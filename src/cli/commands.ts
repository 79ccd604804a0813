import type { Command } from 'commander';
import { registerIngestCommands } from '../ingest/ingest.commands';
import { seed } from '../seed/seed';
import { registerKeyCommands } from '../syndication/api-key.commands';
import { openCacheInvalidation } from '../syndication/cache-invalidation';
import { withCliContext } from './cli-context';

/** Registers the core commands; domains add theirs to COMMANDS below. */
function registerCoreCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending migrations to the configured database')
    .action(() =>
      withCliContext(async ({ database }) => {
        console.log(`${database.kind}: migrations applied.`);
      }),
    );
  program
    .command('seed')
    .description('load the catalog and the bundled sample page (idempotent)')
    .action(() =>
      withCliContext(async ({ config, db, logger }) => {
        // With REDIS_URL, the gateways' shared response cache is ended once the seed commits.
        const cache = await openCacheInvalidation(config, logger);
        const report = await seed(db, undefined, { invalidation: cache.invalidation }).finally(() => cache.close());
        console.log(JSON.stringify(report, null, 2));
      }),
    );
}

export const COMMANDS: Array<(program: Command) => void> = [registerCoreCommands, (program) => registerKeyCommands(program), (program) => registerIngestCommands(program)];
