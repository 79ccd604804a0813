/** Seeding: the catalog and the bundled sample page, and the synthetic demo data (demo-data.ts); run by the CLI. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { assembleArticle } from '../article/article-assembler';
import { ArticleWriteRepository } from '../article/article-write.repository';
import type { SqlExecutor } from '../db/sql-executor';
import { feedItemKey } from '../feed-item/feed-item-key';
import { upsertFeedItems } from '../feed-item/feed-item.repository';
import { upsertPersonBySlug } from '../person/person.repository';
import { type SourceKind } from '../source/source.entity';
import { upsertSourceBySlug } from '../source/source.repository';
import { calendarDateToDate } from '../text/dates';
import { normalizeForSearch } from '../text/normalize';
import { slugify } from '../text/slug';
import { loadCatalog, type Catalog } from './catalog';
import { parseNewsPageText, type ParsedNewsPage } from './news-page-text.parser';

/** The repository's seeds/ folder (the bundled sample page), from src/ or dist/src/ alike. */
export const SEEDS_DIR = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../../seeds' : '../../seeds');

export interface SeedReport {
  sources: number;
  people: number;
  articles: Array<{ file: string; slug: string; outcome: 'created' | 'updated' | 'unchanged' }>;
  feedItemsWritten: number;
}

/**
 * Loads the catalog (known people and outlets) and every seed page it lists, in one transaction.
 * Idempotent: unchanged rows are not written at all, so seeding twice changes nothing.
 */
export interface SeedOptions {
  /** Told once the transaction has committed anything, so cached responses and feeds end at once. */
  invalidation?: { newItemsStored(): Promise<void> };
}

export async function seed(db: SqlExecutor, catalog: Catalog = loadCatalog(), options: SeedOptions = {}): Promise<SeedReport> {
  const stored = await db.transaction(async (manager) => {
    const sourceIds = new Map<string, string>();
    for (const source of catalog.sources) {
      sourceIds.set(
        source.slug,
        await upsertSourceBySlug(manager, {
          slug: source.slug,
          name: source.name,
          aliases: source.aliases,
          homepageUrl: source.homepageUrl,
          language: source.language,
          country: source.country,
          logoUrl: null,
          kind: source.kind as SourceKind,
        }),
      );
    }
    const personIds = new Map<string, string>();
    for (const person of catalog.people) {
      personIds.set(
        person.slug,
        await upsertPersonBySlug(manager, {
          slug: person.slug,
          name: person.name,
          aliases: person.aliases,
          description: person.description,
          searchText: normalizeForSearch([person.name, ...person.aliases].join(' ')),
        }),
      );
    }
    const report: SeedReport = { sources: sourceIds.size, people: personIds.size, articles: [], feedItemsWritten: 0 };
    for (const page of catalog.seedPages) {
      const raw = readFileSync(path.join(SEEDS_DIR, page.file), 'utf8');
      const publisher = catalog.sources.find((source) => source.slug === page.publisherSlug)!;
      const publisherId = sourceIds.get(publisher.slug)!;
      const parsed = parseNewsPageText(raw);
      const result = await storePage(manager, parsed, {
        file: page.file,
        publisherId,
        publisherUrl: publisher.homepageUrl,
        language: publisher.language,
        catalog,
        personIds,
        sourceIds,
      });
      report.articles.push(result.article);
      report.feedItemsWritten += result.feedItemsWritten;
    }
    return report;
  });
  if (options.invalidation && (stored.feedItemsWritten > 0 || stored.articles.some((a) => a.outcome !== 'unchanged'))) {
    await options.invalidation.newItemsStored();
  }
  return stored;
}

interface PageContext {
  file: string;
  publisherId: string;
  publisherUrl: string;
  language: string;
  catalog: Catalog;
  personIds: Map<string, string>;
  sourceIds: Map<string, string>;
}

async function storePage(manager: EntityManager, page: ParsedNewsPage, ctx: PageContext) {
  // A page with no date of its own is dated by its sidebar, the nearest evidence it carries.
  const day = page.publishedOn ?? page.latest.find((item) => item.publishedOn)?.publishedOn;
  if (!day) throw new Error(`seed page ${ctx.file}: no publication date found`);
  const publishedAt = calendarDateToDate(day);
  // The page carries no address of its own: one is derived from its file name under the
  // publisher's (reserved .invalid) homepage, stable across runs.
  const url = new URL(path.parse(ctx.file).name.replace(/^\d+_/, ''), ctx.publisherUrl).toString();
  const people = ctx.catalog.people.map((person) => ({ id: ctx.personIds.get(person.slug)!, aliases: person.aliases }));
  const sources = ctx.catalog.sources.map((source) => ({ id: ctx.sourceIds.get(source.slug)!, aliases: source.aliases }));
  const writer = new ArticleWriteRepository();
  const stored = await writer.upsert(
    manager,
    assembleArticle(
      {
        sourceId: ctx.publisherId,
        url,
        title: page.title,
        summary: null,
        paragraphs: page.paragraphs,
        language: ctx.language,
        publishedAt,
        updatedAt: null,
        imageUrl: null,
        // Initials (এসএস/এসএন) are kept as printed and name nobody: no author is linked.
        byline: page.byline,
        authorIds: [],
      },
      people,
      sources,
    ),
  );
  const feedItemsWritten = await upsertFeedItems(
    manager,
    ctx.publisherId,
    page.latest.map((item) => {
      const itemDay = item.publishedOn ?? day;
      return {
        // The sidebar gives no links: a headline is identified by its text and date.
        itemKey: feedItemKey({ headline: item.headline, day: itemDay }),
        headline: item.headline,
        url: null,
        // The text marks where the page showed an image but holds no address for it.
        imageUrl: null,
        language: ctx.language,
        publishedAt: calendarDateToDate(itemDay),
        position: item.position,
        articleId: null,
      };
    }),
  );
  return { article: { file: ctx.file, slug: page.title ? slugify(page.title) : '', outcome: stored.outcome }, feedItemsWritten };
}

/** First start on an empty embedded database: load the bundled sample so the API has data. */
export async function seedIfEmpty(db: SqlExecutor, logger: Logger): Promise<boolean> {
  const [row] = await db.manager.query<Array<{ n: string | number }>>('SELECT (SELECT count(*) FROM source) + (SELECT count(*) FROM article) AS n');
  if (Number(row.n) > 0) return false;
  const report = await seed(db);
  logger.info({ report }, 'seeded');
  return true;
}
