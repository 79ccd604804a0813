import type { Command } from 'commander';
import { loadConfig } from '../config/config';
import { registerIngestCommands } from './ingest-commands';
import { registerKeyCommands } from './api-key.commands';
import { openCacheInvalidation } from '../cache/cache-invalidation';
import { withCliContext } from './cli-context';
import { registerDatabaseCommands } from './database-commands';
import { registerStoryCommands } from './story-commands';
import { portNumber, wholeNumber } from './options';
import { startProgress } from './progress';

/**
 * What the commands run is loaded when one runs, not when they are registered: the gateway and the
 * seeders take well over a second to load, which `newsgate --help` and a mistyped option should not
 * cost. (Domains' command files do the same.) With require(), not `await import()`: under
 * "module": "node16" TypeScript keeps import() as it is in CommonJS output, where it wants `.js`
 * specifiers and bypasses the require hooks that run the sources (ts-node, test/support/swc-register.js).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
const gateway = () => require('../composition/serve') as typeof import('../composition/serve');
const seeders = () => ({
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  ...(require('../seed/seed') as typeof import('../seed/seed')),
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  ...(require('../seed/demo-data') as typeof import('../seed/demo-data')),
});

/** Registers the core commands; domains add theirs to COMMANDS below. */
function registerCoreCommands(program: Command): void {
  program
    .command('serve')
    .description('start the gateway (what `npm start` runs): migrate, serve GraphQL over HTTP and run the ingest worker (WORKER_ENABLED) until SIGINT/SIGTERM')
    .option('-p, --port <port>', 'port to listen on (overrides PORT; 0 picks a free one)', portNumber)
    .option('--host <host>', 'interface to listen on (overrides HOST)')
    .action(async (options: { port?: number; host?: string }) => {
      // Validated here so a bad variable is one line and exit code 2, like every other command.
      loadConfig();
      await gateway().serve(options);
    });

  program
    .command('migrate')
    .description('apply pending migrations to the configured database (DATABASE_URL, or the embedded one in DATA_DIR)')
    .action(() =>
      withCliContext(async ({ database }) => {
        const [{ count }] = await database.dataSource.query<Array<{ count: number }>>('SELECT count(*)::int AS count FROM migrations');
        process.stderr.write(`${database.kind}: migrations applied (${count} in all).\n`);
      }),
    );

  program
    .command('seed')
    .description('load the catalog and the bundled sample page, or with --demo a large synthetic dataset; idempotent, prints a JSON report')
    .option('--demo <count>', 'instead, generate <count> articles in six languages with their outlets, people, authors and feed items', wholeNumber(1, 10_000_000))
    .option('--batch-size <n>', 'articles per transaction with --demo', wholeNumber(1, 50_000), 1000)
    .action((options: { demo?: number; batchSize: number }) =>
      withCliContext(async ({ config, db, logger }) => {
        // The gateways' cached responses end once the seed commits: through Redis (REDIS_URL), or
        // the embedded database's owner when this runs beside it.
        const cache = await openCacheInvalidation(config, logger, db);
        const { seed, generateDemoData } = seeders();
        try {
          if (options.demo === undefined) {
            const report = await seed(db, undefined, { invalidation: cache.invalidation });
            console.log(JSON.stringify(report, null, 2));
            return;
          }
          const progress = startProgress({ label: 'seeding', total: options.demo, unit: 'articles' });
          let done = 0;
          const report = await generateDemoData(
            db,
            { articles: options.demo },
            {
              batchSize: options.batchSize,
              onBatch: (handled) => {
                progress.increment(handled - done);
                done = handled;
              },
            },
          ).finally(() => progress.stop());
          if (report.articles.created > 0) await cache.invalidation.newItemsStored();
          console.log(JSON.stringify(report, null, 2));
        } finally {
          await cache.close();
        }
      }),
    );
}

export const COMMANDS: Array<(program: Command) => void> = [
  registerCoreCommands,
  registerDatabaseCommands,
  (program) => registerKeyCommands(program),
  (program) => registerIngestCommands(program),
  registerStoryCommands,
];
