import type { Command } from 'commander';
import { openCacheInvalidation } from '../cache/cache-invalidation';
import { withCliContext } from './cli-context';
import { wholeNumber } from './options';
import { startProgress } from './progress';

/** Loaded when the command runs (the database code is slow to load), as ./commands.ts explains. */
const backfill = () => ({
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  ...(require('../story/story-backfill.service') as typeof import('../story/story-backfill.service')),
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  ...(require('../story/story-backfill.repository') as typeof import('../story/story-backfill.repository')),
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  ...(require('../story/story-write.repository') as typeof import('../story/story-write.repository')),
});

/** `newsgate stories backfill`: cluster the articles stored before stories and duplicates existed. */
export function registerStoryCommands(program: Command): void {
  const stories = program.command('stories').description('stories and duplicates (issue 14): cluster articles stored before they existed');
  stories
    .command('backfill')
    .description(
      'join every article that has no story yet (stored before the Stories migration) to its story and duplicate group, oldest first, ' +
        'by the rules ingestion uses; batched (a transaction per batch), idempotent (run it again to finish an interrupted run); prints a JSON report',
    )
    .option('--batch-size <n>', 'articles per transaction', wholeNumber(1, 10_000), 500)
    .action((options: { batchSize: number }) =>
      withCliContext(async ({ config, db, logger }) => {
        const { StoryBackfillService, StoryBackfillRepository, StoryWriteRepository } = backfill();
        const service = new StoryBackfillService(db, new StoryBackfillRepository(db), new StoryWriteRepository());
        let progress: ReturnType<typeof startProgress> | null = null;
        let done = 0;
        const report = await service
          .run({
            batchSize: options.batchSize,
            onStart: (total) => {
              progress = startProgress({ label: 'clustering', total, unit: 'articles' });
            },
            onBatch: (clustered) => {
              progress?.increment(clustered - done);
              done = clustered;
            },
          })
          .finally(() => (progress as ReturnType<typeof startProgress> | null)?.stop());
        // Lists that show each text once now leave the copies out: cached answers end.
        if (report.clustered > 0) {
          const cache = await openCacheInvalidation(config, logger, db);
          try {
            await cache.invalidation.newItemsStored();
          } finally {
            await cache.close();
          }
        }
        console.log(JSON.stringify(report, null, 2));
      }),
    );
}
