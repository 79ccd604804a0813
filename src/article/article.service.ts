import { BadUserInputError } from '../common/errors/domain-errors';
import { groupedByKey } from '../common/batch';
import type { ServiceContext } from '../common/request-context';
import type { RowsPage } from '../db/keyset';
import type { PersonRecord, PersonRole } from '../person/person.record';
import type { SourceRecord } from '../source/source.record';
import type { SourceLoaders } from '../source/source.loaders';
import { requireExactlyOne } from '../common/require-exactly-one';
import { normalizeLanguageFilter, normalizeUrlForLookup } from '../common/input-normalizers';
import { nameFormsOfQuery } from '../text/aliases';
import { normalizeForSearch, normalizeText } from '../text/normalize';
import type { ArticleLoaders } from './article.loaders';
import type { ArticleCriteria, ArticlePage, ArticleRepository, ArticleSearch } from './article.repository';
import type { ArticleRecord, ArticleRelations, ArticleRelationSelection, ArticleSelection, MentionRecord, ProvenanceRecord } from './article.record';

export type { ArticleRelationSelection, ArticleSelection } from './article.record';

/** The filter of an article list: database ids, the search as the client typed it. */
export interface ArticleFilter {
  sourceIds?: string[] | null;
  personIds?: string[] | null;
  language?: string | null;
  publishedAfter?: Date | null;
  publishedBefore?: Date | null;
  search?: string | null;
}

/** What the article service reads through the request's loaders. */
export type ArticleContext = ServiceContext<ArticleLoaders & SourceLoaders>;

const MAX_SEARCH_LENGTH = 200;

/**
 * Articles for the API and the syndication feeds. Takes database ids and keyset pages (the GraphQL
 * layer decodes global ids and cursors and builds the connections) and returns records.
 */
export class ArticleService {
  constructor(private readonly articles: ArticleRepository) {}

  /** Which of these articles (database ids) the criteria admit, as the list with the same filter would. */
  matchingIds(_ctx: ArticleContext, ids: readonly string[], criteria: ArticleCriteria): Promise<Set<string>> {
    return this.articles.matchingIds(ids, criteria);
  }

  /** Articles by database id through the request's loaders, in the order given; ids no longer stored are left out. */
  async byIds(ctx: ArticleContext, ids: readonly string[]): Promise<ArticleRecord[]> {
    const rows = await ctx.loaders.articleById.loadMany(ids);
    return rows.filter((row): row is ArticleRecord => row !== null && !(row instanceof Error));
  }

  /** By exactly one of database id, slug or URL; null when there is no such article. */
  async find(ctx: ArticleContext, by: { id?: string | null; slug?: string | null; url?: string | null }): Promise<ArticleRecord | null> {
    requireExactlyOne(by, ['id', 'slug', 'url']);
    if (by.id != null) return ctx.loaders.articleById.load(by.id);
    const found =
      by.slug != null ? await this.articles.findBySlug(normalizeText(by.slug).toLowerCase()) : await this.articles.findByUrl(normalizeUrlForLookup(by.url!));
    if (!found) return null;
    ctx.loaders.sourceById.prime(found.source.dbId, found.source);
    return found.article;
  }

  /**
   * A page of articles (limit + 1 rows: the last says another page follows) and their count, read
   * only when asked for; with `selection`, their selected relations are loaded for the page at once.
   */
  async list(ctx: ArticleContext, filter: ArticleFilter | null | undefined, page: ArticlePage, selection?: ArticleSelection): Promise<RowsPage<ArticleRecord>> {
    const criteria = articleCriteria(filter ?? {});
    const rows = await this.articles.list(criteria, page);
    if (selection) await this.prefetchRelations(ctx, rows, selection.fields, selection.relations);
    return { rows, total: () => this.articles.count(criteria) };
  }

  /** A source's articles; the same page of many sources is one statement (the request's loaders). */
  async ofSource(ctx: ArticleContext, sourceId: string, page: ArticlePage): Promise<RowsPage<ArticleRecord>> {
    const rows = await ctx.loaders.articlesBySourceId.load({ parentId: sourceId, page });
    return { rows, total: () => ctx.loaders.articleCountBySourceId.load(sourceId) };
  }

  /** Articles a person wrote or is named in (or either), batched like ofSource. */
  async ofPerson(ctx: ArticleContext, personId: string, role: PersonRole | null | undefined, page: ArticlePage): Promise<RowsPage<ArticleRecord>> {
    const rows = await ctx.loaders.articlesByPersonId.load({ parentId: personId, page: { ...page, role: role ?? null } });
    return { rows, total: () => ctx.loaders.articleCountByPersonId.load({ parentId: personId, page: { role: role ?? null } }) };
  }

  source(ctx: ArticleContext, article: ArticleRecord): SourceRecord | null | Promise<SourceRecord | null> {
    const prefetched = article.prefetched?.source;
    return prefetched !== undefined ? prefetched : ctx.loaders.sourceById.load(article.sourceId);
  }

  authors(ctx: ArticleContext, article: ArticleRecord): PersonRecord[] | Promise<PersonRecord[]> {
    return article.prefetched?.authors ?? ctx.loaders.authorsByArticleId.load(article.dbId);
  }

  mentions(ctx: ArticleContext, article: ArticleRecord): MentionRecord[] | Promise<MentionRecord[]> {
    return article.prefetched?.mentions ?? ctx.loaders.mentionsByArticleId.load(article.dbId);
  }

  citedSources(ctx: ArticleContext, article: ArticleRecord): SourceRecord[] | Promise<SourceRecord[]> {
    return article.prefetched?.citedSources ?? ctx.loaders.citedSourcesByArticleId.load(article.dbId);
  }

  /** Where and when the article was fetched, and its stored versions. */
  async provenance(ctx: ArticleContext, article: ArticleRecord): Promise<ProvenanceRecord> {
    const found = await ctx.loaders.provenanceByArticleId.load(article.dbId);
    // The article was read a moment ago; gone since, it still has the history it had: none.
    return found ?? { articleId: article.dbId, firstSeenAt: article.publishedAt, lastFetchedAt: null, fetchedFrom: null, revisions: [] };
  }

  /**
   * Loads the selected relations of a page of articles before execution reaches them: one batched
   * statement per relation, all at once, reading only the selected columns. Every article then
   * resolves `source`, `authors`, `mentions` and `citedSources` synchronously, which spares
   * graphql-js a promise per field and per enclosing object on the hottest query. The records
   * stay private to these articles (they may lack unselected columns); sources go through
   * `sourceById`, whose rows are complete and shared.
   */
  async prefetchRelations(
    ctx: ArticleContext,
    articles: ArticleRecord[],
    selected: ReadonlySet<string>,
    relations: ArticleRelationSelection,
  ): Promise<void> {
    if (articles.length === 0) return;
    const ids = articles.map((article) => article.dbId);
    const [sources, authors, mentions, citedSources] = await Promise.all([
      selected.has('source') ? ctx.loaders.sourceById.loadMany(articles.map((article) => article.sourceId)) : null,
      selected.has('authors') ? this.articles.authorsByArticleIds(ids, relations.authors) : null,
      selected.has('mentions') ? this.articles.mentionsByArticleIds(ids, relations.mentionPeople) : null,
      selected.has('citedSources') ? this.articles.citedSourcesByArticleIds(ids, relations.citedSources) : null,
    ]);
    const authorLists = authors && groupedByKey(ids, authors, (row) => row.articleId);
    const mentionLists = mentions && groupedByKey(ids, mentions, (row) => row.articleId);
    const citedLists = citedSources && groupedByKey(ids, citedSources, (row) => row.articleId);
    articles.forEach((article, i) => {
      const prefetched: ArticleRelations = {};
      // A source that failed to load is left out: its field then asks the loader again and fails
      // on its own, as it would have without the prefetch, instead of failing the whole page.
      if (sources && !(sources[i] instanceof Error)) prefetched.source = sources[i] as SourceRecord | null;
      if (authorLists) prefetched.authors = authorLists[i];
      if (mentionLists) prefetched.mentions = mentionLists[i];
      if (citedLists) prefetched.citedSources = citedLists[i];
      article.prefetched = prefetched;
    });
  }
}

/**
 * A filter as the repository's criteria: ids deduplicated, the language tag canonical, the search
 * prepared (see prepareSearch), each text once unless the list is restricted to outlets. Other
 * lists that filter by articles (feed items) use it too, for the people and the search alone.
 */
export function articleCriteria(filter: ArticleFilter): ArticleCriteria {
  const criteria: ArticleCriteria = {};
  if (filter.sourceIds != null) criteria.sourceIds = [...new Set(filter.sourceIds)];
  // What chosen outlets published includes their copies of others' texts; every other list shows a text once.
  else criteria.eachTextOnce = true;
  if (filter.personIds != null) criteria.personIds = [...new Set(filter.personIds)];
  if (filter.language != null) criteria.language = normalizeLanguageFilter(filter.language, 'filter.language');
  if (filter.publishedAfter != null) criteria.publishedAfter = filter.publishedAfter;
  if (filter.publishedBefore != null) criteria.publishedBefore = filter.publishedBefore;
  if (filter.search != null) {
    const search = prepareSearch(filter.search);
    if (search) criteria.search = search;
  }
  return criteria;
}

/**
 * The query goes through the same normalisation as stored text (NFC, Unicode lower case), then
 * becomes prefix terms for full-text search. Only letters, marks and digits make a term, so no
 * tsquery syntax can come from the client.
 */
function prepareSearch(raw: string): ArticleSearch | null {
  if (raw.length > MAX_SEARCH_LENGTH * 4) {
    throw new BadUserInputError(`"filter.search" is longer than ${MAX_SEARCH_LENGTH} characters.`, { argument: 'filter.search' });
  }
  const text = normalizeForSearch(raw);
  if (text === '') return null;
  if ([...text].length > MAX_SEARCH_LENGTH) {
    throw new BadUserInputError(`"filter.search" is longer than ${MAX_SEARCH_LENGTH} characters.`, { argument: 'filter.search' });
  }
  const words = text.match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  const tsquery = words.length > 0 ? words.map((word) => `'${word}':*`).join(' & ') : null;
  const substring = UNSPACED_SCRIPT.test(text) ? `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  // Greek final sigma folded, as the repository folds the stored names (foldNameSql).
  const names = nameFormsOfQuery(text).map((name) => name.replace(/ς/g, 'σ'));
  return { text, tsquery, substring, names };
}

/**
 * Whether an article list with this search is ranked (best matches first, see ArticleRepository.list):
 * when the search holds anything once normalised, as articleCriteria keeps it.
 */
export function isRankedSearch(search: string | null | undefined): boolean {
  return search != null && normalizeForSearch(search) !== '';
}

/** Scripts written without spaces between words: a word is found inside a longer run of text. */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

