/** The store: processed entries written idempotently (articles, authors, mentions, feed items) in retried transactions. */
import type { EntityManager } from 'typeorm';
import { assembleArticle } from '../../article/article-assembler';
import { ArticleWriteRepository, type ArticlePlan, type ArticleWrite, type ArticleWriteResult } from '../../article/article-write.repository';
import type { SqlExecutor } from '../../db/sql-executor';
import { feedItemDatesByKey, upsertFeedItems, type FeedItemWrite } from '../../feed-item/feed-item.repository';
import { insertPeopleIfAbsent, type NewPersonWrite } from '../../person/person.repository';
import { normalizeForSearch } from '../../text/normalize';
import { StoryWriteRepository } from '../../story/story-write.repository';
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
    /** Where the stored text was fetched from (the page or the feed), credentials removed; provenance. */
    fetchedFrom: string | null;
  } | null;
}

export interface StoreReport {
  articlesCreated: number;
  articlesUpdated: number;
  articlesUnchanged: number;
  feedItemsWritten: number;
  peopleCreated: number;
}

/**
 * Entries handed to the store a batch at a time, made as they are asked for: the store asks for
 * the next batch while it writes the one before (source-run.ts processes a feed's items so).
 */
export interface EntryBatches {
  /** The next at most `size` entries, or null when there are no more. */
  next(size: number): Promise<EntryToStore[] | null>;
  /** How many entries there are at most, for progress. */
  readonly total: number;
}

export interface StoreOptions {
  /** Entries per transaction. */
  batchSize: number;
  onProgress?: (stored: number, total: number) => void;
}

/** Deadlock, serialization failure, unique violation: another writer got there first; the batch is retried. */
const RETRYABLE = new Set(['40P01', '40001', '23505']);
const MAX_ATTEMPTS = 4;

/** A byline name resolved to a known person, or to the new person of that slug this batch creates. */
type AuthorRef = { id: string } | { slug: string };

/**
 * Writes a source's feed entries: articles (through the idempotent ArticleWriteRepository), their
 * authors (new Persons for unknown bylines), mentions, citations and the feed items, in batches of
 * one transaction each. A crash leaves every batch either fully stored or not at all, and the next
 * run, storing the same entries again, completes the rest and changes nothing already stored.
 *
 * A batch costs a fixed number of statements whatever its size: what is stored already is read
 * in one, and new people, new articles, each of their link tables and the feed items are written
 * in one each. Only articles that change (or depend on an earlier one of the batch) are written
 * one at a time. A batch with nothing new to store opens no transaction: its feed items are
 * stored (or found unchanged) by one statement of their own.
 *
 * A batch's last statement, the feed items', also announces what the batch added (the feed items
 * it inserted and the articles it created) as news events (src/events/): a row of the event log
 * and a NOTIFY, committed with the batch or not at all.
 */
export class IngestStore {
  constructor(
    private readonly db: SqlExecutor,
    private readonly directory: EntityDirectory,
    private readonly writer: ArticleWriteRepository = new ArticleWriteRepository(),
    /** Clustering (stories and duplicates) of each batch's new articles, in its transaction; null leaves it out (the bench compares). */
    private readonly stories: StoryWriteRepository | null = new StoryWriteRepository(),
  ) {}

  async store(sourceId: string, entries: EntryToStore[] | EntryBatches, options: StoreOptions): Promise<StoreReport> {
    const report: StoreReport = { articlesCreated: 0, articlesUpdated: 0, articlesUnchanged: 0, feedItemsWritten: 0, peopleCreated: 0 };
    const source = Array.isArray(entries) ? batchesOf(entries) : entries;
    let stored = 0;
    let reportedTotal = 0;
    let ahead: Promise<PreparedBatch> | null = null;
    for (let batch = await source.next(options.batchSize); batch; ) {
      const current = batch;
      const prepared = await (ahead ?? this.prepare(sourceId, current));
      ahead = null;
      let attempts = 0;
      // A retry starts over, reading again what the batch depends on.
      const writing = this.withRetry(async () => this.write(sourceId, attempts++ === 0 ? prepared : await this.prepare(sourceId, current)));
      // The next batch is made (its items processed, when they come from a feed) while this one
      // is written, and prepared too (people resolved, articles assembled) when nothing it reads
      // can change meanwhile: this batch creates nobody (the directory stays as it is) and the
      // next one needs no stored dates.
      const upcoming = source.next(options.batchSize).then((next) => {
        if (next && prepared.newPeople.length === 0 && !next.some(isUnsure)) {
          ahead = this.prepare(sourceId, next);
          // Awaited on the next turn; a failure of this batch first must not leave it unhandled.
          ahead.catch(() => undefined);
        }
        return next;
      });
      upcoming.catch(() => undefined);
      const result = await writing;
      for (const person of result.newPeople) this.directory.addPerson(person.id, person.slug, person.name);
      report.articlesCreated += result.outcomes.filter((o) => o === 'created').length;
      report.articlesUpdated += result.outcomes.filter((o) => o === 'updated').length;
      report.articlesUnchanged += result.outcomes.filter((o) => o === 'unchanged').length;
      report.feedItemsWritten += result.feedItemsWritten;
      report.peopleCreated += result.newPeople.length;
      stored += current.length;
      reportedTotal = Math.max(source.total, stored);
      options.onProgress?.(stored, reportedTotal);
      batch = await upcoming;
    }
    // Fewer than announced (entries dropped or repeated in the feed): the last word is exact.
    if (stored > 0 && reportedTotal !== stored) options.onProgress?.(stored, stored);
    return report;
  }

  /**
   * What a batch's writes need before they start: dates already stored for the entries that need
   * them, each entry's authors (known people, or new ones the batch creates), and, when it creates
   * nobody, its articles assembled.
   */
  private async prepare(sourceId: string, batch: EntryToStore[]): Promise<PreparedBatch> {
    const outside = this.db.manager;
    const now = new Date();
    // Undated entries, and entries whose date was clamped to the fetch time, keep the date they
    // were first stored with: otherwise a clamped entry would be re-dated "now" at every fetch and
    // stay at the top of every newest-first list, which is what clamping is there to prevent.
    const unsure = batch.filter(isUnsure);
    const knownDates = await feedItemDatesByKey(outside, sourceId, unsure.map((entry) => entry.key));
    const knownArticleDates = await this.writer.datesByUrl(
      outside,
      unsure.filter((entry) => entry.url !== null && !knownDates.has(entry.key)).map((entry) => entry.url!),
    );
    const latestBelievable = now.getTime() + FUTURE_DATE_TOLERANCE_MS;
    const dateOf = (entry: EntryToStore): Date => {
      if (!isUnsure(entry)) return entry.publishedAt!;
      const known = knownDates.get(entry.key) ?? (entry.url ? knownArticleDates.get(entry.url)?.publishedAt : undefined);
      // A far-future date stored before clamping existed is not kept either.
      if (known && known.getTime() <= latestBelievable) return known;
      return entry.publishedAt ?? now;
    };

    // Bylines naming nobody known yet become people, created first in the batch's transaction;
    // they join the directory only once it commits.
    const newPeople: NewPersonWrite[] = [];
    const items = batch.map((entry) => ({
      entry,
      publishedAt: dateOf(entry),
      authors: entry.article && entry.url ? this.authorRefs(entry.article.authorNames, entry.article.byline, newPeople) : [],
      write: null as ArticleWrite | null,
    }));
    const writes = newPeople.length === 0 ? await this.assemble(sourceId, items, new Map()) : null;
    return { items, newPeople, writes };
  }

  /**
   * The batch's articles (mentions and citations found, search text and hash computed), set on
   * its items, a slice at a time: a batch being written meanwhile goes on between slices.
   */
  private async assemble(sourceId: string, items: PreparedItem[], personIds: ReadonlyMap<string, string>): Promise<ArticleWrite[]> {
    for (const [i, item] of items.entries()) {
      if (i > 0 && i % ASSEMBLED_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      const { entry, publishedAt } = item;
      if (!entry.article || !entry.url) continue;
      const authorIds: string[] = [];
      for (const ref of item.authors) {
        const id = 'id' in ref ? ref.id : personIds.get(ref.slug);
        if (id && !authorIds.includes(id)) authorIds.push(id);
      }
      // The assembled article (a new object) is given its provenance in place: copying it by
      // spreading it into an object with one more property took V8 (Node 20) microseconds per article.
      const write = assembleArticle(
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
      write.fetchedFrom = entry.article.fetchedFrom;
      item.write = write;
    }
    return items.flatMap(({ write }) => (write ? [write] : []));
  }

  /** A prepared batch written: in one transaction, or with nothing new, by one statement for its feed items. */
  private async write(sourceId: string, batch: PreparedBatch): Promise<BatchResult> {
    const outside = this.db.manager;
    const feedItems = (articleIds: ReadonlyMap<ArticleWrite, string>): FeedItemWrite[] =>
      batch.items.map(({ entry, publishedAt, write }) => ({
        itemKey: entry.key,
        headline: entry.headline,
        url: entry.url,
        imageUrl: entry.imageUrl,
        language: entry.language,
        publishedAt,
        publishedAtClaimed: entry.publishedAtClaimed,
        position: entry.position,
        articleId: write ? articleIds.get(write)! : null,
      }));

    const { writes, newPeople } = batch;
    if (writes) {
      // A feed polled again is mostly entries stored exactly so: found in one statement, and with
      // nothing else to write, its feed items are the only statement, outside any transaction.
      const plans = await this.writer.plan(outside, writes);
      if (plans.every((plan) => plan.kind === 'unchanged')) {
        const ids = new Map(writes.map((write, i) => [write, (plans[i] as Extract<ArticlePlan, { kind: 'unchanged' }>).id]));
        // Headlines new to the source are announced by the same statement (src/events/).
        const feedItemsWritten = await upsertFeedItems(outside, sourceId, feedItems(ids), { articleIds: [] });
        return { outcomes: plans.map(() => 'unchanged' as const), feedItemsWritten, newPeople: [] };
      }
      return this.db.transaction(async (manager) => {
        const written = await this.writeArticles(manager, writes, plans);
        await this.cluster(manager, writes, written);
        const feedItemsWritten = await upsertFeedItems(manager, sourceId, feedItems(written.ids), { articleIds: createdIds(writes, written) });
        return { ...written, feedItemsWritten, newPeople: [] };
      });
    }
    return this.db.transaction(async (manager) => {
      const personIds = await insertPeopleIfAbsent(manager, newPeople);
      const assembled = await this.assemble(sourceId, batch.items, personIds);
      const written = await this.writeArticles(manager, assembled, await this.writer.plan(manager, assembled));
      await this.cluster(manager, assembled, written);
      const created = newPeople.flatMap(({ slug, name }) => (personIds.has(slug) ? [{ id: personIds.get(slug)!, slug, name }] : []));
      const feedItemsWritten = await upsertFeedItems(manager, sourceId, feedItems(written.ids), { articleIds: createdIds(assembled, written) });
      return { ...written, feedItemsWritten, newPeople: created };
    });
  }

  /** The batch's articles as plan() sorted them: the new ones in one go, then the others one at a time, in order. */
  private async writeArticles(manager: EntityManager, writes: ArticleWrite[], plans: ArticlePlan[]) {
    const inserted = await this.writer.insertNew(
      manager,
      writes.filter((_, i) => plans[i]!.kind === 'new'),
    );
    const ids = new Map<ArticleWrite, string>();
    const outcomes: Array<ArticleWriteResult['outcome']> = [];
    for (const [i, write] of writes.entries()) {
      const plan = plans[i]!;
      const insertedId = plan.kind === 'new' ? inserted.get(write.url) : undefined;
      // A new article whose URL another writer stored meanwhile becomes an update of theirs.
      const written =
        plan.kind === 'unchanged'
          ? { id: plan.id, outcome: 'unchanged' as const }
          : insertedId
            ? { id: insertedId, outcome: 'created' as const }
            : await this.writer.upsert(manager, write);
      ids.set(write, written.id);
      outcomes.push(written.outcome);
    }
    return { ids, outcomes };
  }

  /**
   * The batch's new articles join their stories and duplicate groups (src/story), in its
   * transaction: two statements for the batch, whatever its size.
   */
  private async cluster(manager: EntityManager, writes: ArticleWrite[], written: { ids: ReadonlyMap<ArticleWrite, string>; outcomes: Array<ArticleWriteResult['outcome']> }) {
    if (!this.stories) return;
    await this.stories.cluster(
      manager,
      writes.flatMap((write, i) => (written.outcomes[i] === 'created' ? [{ id: written.ids.get(write)!, write }] : [])),
    );
  }

  /**
   * Known people by exact name or alias; clear personal names otherwise become new Persons
   * (added to `newPeople`, once per slug); outlets and initials link nobody.
   */
  private authorRefs(authorNames: string[], byline: string | null, newPeople: NewPersonWrite[]): AuthorRef[] {
    const names = authorNames.length > 0 ? authorNames.flatMap(bylineNames) : byline ? bylineNames(byline) : [];
    const refs: AuthorRef[] = [];
    for (const name of names) {
      if (this.directory.isSource(name)) continue;
      const slug = slugify(name);
      const id = this.directory.findPerson(name);
      if (id) refs.push({ id });
      else if (newPeople.some((person) => person.slug === slug)) refs.push({ slug });
      else if (isCreatablePersonName(name)) {
        newPeople.push({ slug, name, searchText: normalizeForSearch(name) });
        refs.push({ slug });
      }
    }
    return refs;
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

/**
 * The ids of the articles a batch created, in the order it stored them: what its last statement
 * announces as published (src/events/), with the feed items it adds.
 */
function createdIds(writes: ArticleWrite[], written: { ids: ReadonlyMap<ArticleWrite, string>; outcomes: Array<ArticleWriteResult['outcome']> }): string[] {
  return writes.flatMap((write, i) => (written.outcomes[i] === 'created' ? [written.ids.get(write)!] : []));
}

/** An array of entries as batches. */
function batchesOf(entries: readonly EntryToStore[]): EntryBatches {
  let start = 0;
  return {
    total: entries.length,
    next: async (size) => {
      if (start >= entries.length) return null;
      start += size;
      return entries.slice(start - size, start);
    },
  };
}

/** Articles assembled between pauses, while another batch is being written. */
const ASSEMBLED_PER_SLICE = 20;

/** An entry without a date of its own, or with one clamped to the fetch time: it keeps the date first stored. */
function isUnsure(entry: EntryToStore): boolean {
  return entry.publishedAt === null || entry.publishedAtClaimed !== null;
}

interface PreparedItem {
  entry: EntryToStore;
  publishedAt: Date;
  authors: AuthorRef[];
  write: ArticleWrite | null;
}

interface PreparedBatch {
  items: PreparedItem[];
  newPeople: NewPersonWrite[];
  /** The articles, assembled when the batch creates nobody; otherwise in its transaction, once the new people have ids. */
  writes: ArticleWrite[] | null;
}

interface BatchResult {
  outcomes: Array<ArticleWriteResult['outcome']>;
  feedItemsWritten: number;
  newPeople: Array<{ id: string; slug: string; name: string }>;
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
