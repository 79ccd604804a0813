/** The store: processed entries written idempotently (articles, authors, mentions, feed items) in retried transactions. */
import type { EntityManager } from 'typeorm';
import { assembleArticle } from '../../article/article-assembler';
import { ArticleWriteRepository, type ArticleWrite, type ArticleWriteResult } from '../../article/article-write.repository';
import type { SqlExecutor } from '../../db/sql-executor';
import { feedItemDatesByKey, upsertFeedItems, type FeedItemWrite } from '../../feed-item/feed-item.repository';
import { insertPersonIfAbsent } from '../../person/person.repository';
import { normalizeForSearch } from '../../text/normalize';
import { slugify } from '../../text/slug';
import { FUTURE_DATE_TOLERANCE_MS } from '../parser/feed-date';
import { bylineNames, isCreatablePersonName } from '../processor/byline';
import type { EntityDirectory } from './entity-directory';

/** One feed entry as the pipeline hands it to the store: always a headline, an article when it links to one. */
export interface EntryToStore {
  /** feed_item.item_key */
  key: string;
  position: number;
  headline: string;
  url: string | null;
  imageUrl: string | null;
  language: string | null;
  /** Null when neither feed nor page dates it: the first-seen time is kept. */
  publishedAt: Date | null;
  /**
   * The feed's or page's date when it was too far past the fetch time and publishedAt is the
   * fetch time instead (clampFutureDate). The entry then keeps the date it was first stored with.
   */
  publishedAtClaimed: Date | null;
  updatedAt: Date | null;
  /** Null for a headline only (no link, or its page left for a later run). */
  article: {
    title: string;
    summary: string | null;
    paragraphs: string[];
    byline: string | null;
    /** Authors the feed or page names separately; otherwise the byline is split. */
    authorNames: string[];
  } | null;
}

export interface StoreReport {
  articlesCreated: number;
  articlesUpdated: number;
  articlesUnchanged: number;
  feedItemsWritten: number;
  peopleCreated: number;
}

export interface StoreOptions {
  /** Entries per transaction. */
  batchSize: number;
  onProgress?: (stored: number, total: number) => void;
}

/** Deadlock, serialization failure, unique violation: another writer got there first; the batch is retried. */
const RETRYABLE = new Set(['40P01', '40001', '23505']);
const MAX_ATTEMPTS = 4;

/**
 * Writes a source's feed entries: articles (through the idempotent ArticleWriteRepository), their
 * authors (new Persons for unknown bylines), mentions, citations and the feed items, in batches of
 * one transaction each. A crash leaves every batch either fully stored or not at all, and the next
 * run, storing the same entries again, completes the rest and changes nothing already stored.
 */
export class IngestStore {
  constructor(
    private readonly db: SqlExecutor,
    private readonly directory: EntityDirectory,
    private readonly writer: ArticleWriteRepository = new ArticleWriteRepository(),
  ) {}

  async store(sourceId: string, entries: EntryToStore[], options: StoreOptions): Promise<StoreReport> {
    const report: StoreReport = { articlesCreated: 0, articlesUpdated: 0, articlesUnchanged: 0, feedItemsWritten: 0, peopleCreated: 0 };
    for (let start = 0; start < entries.length; start += options.batchSize) {
      const batch = entries.slice(start, start + options.batchSize);
      const result = await this.withRetry(() => this.db.transaction((manager) => this.storeBatch(manager, sourceId, batch)));
      for (const person of result.newPeople) this.directory.addPerson(person.id, person.slug, person.name);
      report.articlesCreated += result.outcomes.filter((o) => o === 'created').length;
      report.articlesUpdated += result.outcomes.filter((o) => o === 'updated').length;
      report.articlesUnchanged += result.outcomes.filter((o) => o === 'unchanged').length;
      report.feedItemsWritten += result.feedItemsWritten;
      report.peopleCreated += result.newPeople.length;
      options.onProgress?.(Math.min(start + batch.length, entries.length), entries.length);
    }
    return report;
  }

  private async storeBatch(manager: EntityManager, sourceId: string, batch: EntryToStore[]) {
    const now = new Date();
    // Undated entries, and entries whose date was clamped to the fetch time, keep the date they
    // were first stored with: otherwise a clamped entry would be re-dated "now" at every fetch and
    // stay at the top of every newest-first list, which is what clamping is there to prevent.
    const unsure = batch.filter((entry) => entry.publishedAt === null || entry.publishedAtClaimed !== null);
    const knownDates = await feedItemDatesByKey(manager, sourceId, unsure.map((entry) => entry.key));
    const knownArticleDates = await this.writer.datesByUrl(
      manager,
      unsure.filter((entry) => entry.url !== null && !knownDates.has(entry.key)).map((entry) => entry.url!),
    );
    const latestBelievable = now.getTime() + FUTURE_DATE_TOLERANCE_MS;
    const dateOf = (entry: EntryToStore): Date => {
      if (entry.publishedAt !== null && entry.publishedAtClaimed === null) return entry.publishedAt;
      const known = knownDates.get(entry.key) ?? (entry.url ? knownArticleDates.get(entry.url)?.publishedAt : undefined);
      // A far-future date stored before clamping existed is not kept either.
      if (known && known.getTime() <= latestBelievable) return known;
      return entry.publishedAt ?? now;
    };

    // People created in this transaction join the directory only once it commits.
    const newPeople: Array<{ id: string; slug: string; name: string }> = [];
    const prepared: Array<{ entry: EntryToStore; publishedAt: Date; write: ArticleWrite | null }> = [];
    for (const entry of batch) {
      const publishedAt = dateOf(entry);
      let write: ArticleWrite | null = null;
      if (entry.article && entry.url) {
        const authorIds = await this.authorIds(manager, entry.article.authorNames, entry.article.byline, newPeople);
        write = assembleArticle(
          {
            sourceId,
            url: entry.url,
            title: entry.article.title,
            summary: entry.article.summary,
            paragraphs: entry.article.paragraphs,
            byline: entry.article.byline,
            language: entry.language,
            publishedAt,
            publishedAtClaimed: entry.publishedAtClaimed,
            updatedAt: entry.updatedAt,
            imageUrl: entry.imageUrl,
            authorIds,
          },
          this.directory.people,
          this.directory.sources,
        );
      }
      prepared.push({ entry, publishedAt, write });
    }
    // A feed polled again is mostly entries stored exactly so: found in one statement, not rewritten.
    const storedAsIs = await this.writer.storedAsIs(manager, prepared.flatMap(({ write }) => (write ? [write] : [])));

    const outcomes: Array<ArticleWriteResult['outcome']> = [];
    const items: FeedItemWrite[] = [];
    for (const { entry, publishedAt, write } of prepared) {
      let articleId: string | null = null;
      if (write) {
        const unchangedId = storedAsIs.get(write.url);
        const written = unchangedId ? { id: unchangedId, outcome: 'unchanged' as const } : await this.writer.upsert(manager, write);
        articleId = written.id;
        outcomes.push(written.outcome);
      }
      items.push({
        itemKey: entry.key,
        headline: entry.headline,
        url: entry.url,
        imageUrl: entry.imageUrl,
        language: entry.language,
        publishedAt,
        publishedAtClaimed: entry.publishedAtClaimed,
        position: entry.position,
        articleId,
      });
    }
    const feedItemsWritten = await upsertFeedItems(manager, sourceId, items);
    return { outcomes, feedItemsWritten, newPeople };
  }

  /** Known people by exact name or alias; clear personal names otherwise become new Persons; outlets and initials link nobody. */
  private async authorIds(
    manager: EntityManager,
    authorNames: string[],
    byline: string | null,
    newPeople: Array<{ id: string; slug: string; name: string }>,
  ): Promise<string[]> {
    const names = authorNames.length > 0 ? authorNames.flatMap(bylineNames) : byline ? bylineNames(byline) : [];
    const ids: string[] = [];
    for (const name of names) {
      if (this.directory.isSource(name)) continue;
      const slug = slugify(name);
      let id = this.directory.findPerson(name) ?? newPeople.find((person) => person.slug === slug)?.id ?? null;
      if (!id && isCreatablePersonName(name)) {
        id = await insertPersonIfAbsent(manager, { slug, name, aliases: [name], description: null, searchText: normalizeForSearch(name) });
        newPeople.push({ id, slug, name });
      }
      if (id && !ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  private async withRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const code = sqlState(error);
        if (attempt >= MAX_ATTEMPTS || !code || !RETRYABLE.has(code)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
      }
    }
  }
}

function sqlState(error: unknown): string | null {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    const driverError = (current as { driverError?: unknown }).driverError;
    if (driverError) return sqlState(driverError);
  }
  return null;
}
