import type { SqlExecutor } from '../db/sql-executor';
import { BACKFILL_START, type BackfillCursor, type StoryBackfillRepository } from './story-backfill.repository';
import type { StoryWriteRepository } from './story-write.repository';

export interface BackfillReport {
  /** Articles that had no cluster row when the backfill started. */
  unclustered: number;
  /** Articles clustered by this run. */
  clustered: number;
  /** Stories this run started. */
  storiesStarted: number;
  /** Of the articles clustered, how many are copies of another's text. */
  copies: number;
  batches: number;
  durationMs: number;
}

export interface BackfillOptions {
  /** Articles per transaction. */
  batchSize: number;
  /** Told once, before anything is written: how many articles have no cluster row. */
  onStart?: (unclustered: number) => void;
  /** Told after each batch clustered: articles clustered so far. */
  onBatch?: (clustered: number) => void;
}

/**
 * `newsgate stories backfill`: clusters the articles stored before stories existed (src/story:
 * no article_cluster row), as if they were stored anew in publication order, through the very
 * clustering ingestion runs (StoryWriteRepository), so they join stories and duplicate groups by
 * the same rules and the lists that show each text once leave their copies out.
 *
 * Two walks in (published_at, id) order, each a transaction per batch, never one long one:
 * 1. the people's lookup keys the Stories migration gave the unclustered articles are dropped.
 *    Otherwise an article would find later unclustered ones as candidates and start a story with
 *    them as stored rows without fingerprints, and each would then be clustered twice;
 * 2. the unclustered articles, oldest first, are clustered a batch at a time: each finds the
 *    earlier ones (already clustered, with their fingerprints and keys) and any article ingestion
 *    stored meanwhile, as a new article finds stored ones.
 * Idempotent: only articles without a cluster row are touched, so an interrupted run is finished by
 * running it again, and a run with nothing left does nothing. While it runs, new articles do not
 * find the unclustered ones it has not reached (walk 1 took their keys); it finds them instead.
 */
export class StoryBackfillService {
  constructor(
    private readonly db: SqlExecutor,
    private readonly backfill: StoryBackfillRepository,
    private readonly writes: StoryWriteRepository,
  ) {}

  async run(options: BackfillOptions): Promise<BackfillReport> {
    const started = Date.now();
    const unclustered = await this.backfill.countUnclustered();
    const report: BackfillReport = { unclustered, clustered: 0, storiesStarted: 0, copies: 0, batches: 0, durationMs: 0 };
    options.onStart?.(unclustered);
    if (unclustered === 0) return { ...report, durationMs: Date.now() - started };

    let cursor: BackfillCursor | null = BACKFILL_START;
    while (cursor) {
      const after: BackfillCursor = cursor;
      cursor = (await this.db.transaction((manager) => this.backfill.dropLookupKeys(manager, after, options.batchSize)))?.last ?? null;
    }

    cursor = BACKFILL_START;
    while (cursor) {
      const after: BackfillCursor = cursor;
      cursor = await this.db.transaction(async (manager) => {
        const batch = await this.backfill.unclusteredBatch(manager, after, options.batchSize);
        if (batch.length === 0) return null;
        const decision = await this.writes.cluster(manager, batch);
        const ids = new Set(batch.map((article) => article.id));
        report.clustered += batch.length;
        report.storiesStarted += decision?.stories.filter((story) => story.isNew).length ?? 0;
        report.copies += decision?.rows.filter((row) => ids.has(row.article.id) && row.canonicalId !== null).length ?? 0;
        report.batches++;
        const last = batch[batch.length - 1]!;
        return { publishedAt: last.write.publishedAt, id: last.id };
      });
      options.onBatch?.(report.clustered);
    }
    return { ...report, durationMs: Date.now() - started };
  }
}
