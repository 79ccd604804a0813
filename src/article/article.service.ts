import { BadUserInputError } from '../common/errors/domain-errors';
import { groupedByKey } from '../common/batch';
import type { ServiceContext } from '../common/request-context';
import { buildConnection, toPageRequest, type ConnectionArgs, type ConnectionResult } from '../graphql/relay/connection';
import { timeIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import type { PersonRecord, PersonRole } from '../person/person.record';
import type { SourceRecord } from '../source/source.record';
import type { SourceLoaders } from '../source/source.loaders';
import { requireExactlyOne } from '../common/require-exactly-one';
import { normalizeLanguageFilter, normalizeUrlForLookup } from '../common/input-normalizers';
import { normalizeForSearch, normalizeText } from '../text/normalize';
import type { ArticleLoaders } from './article.loaders';
import type { ArticleCriteria, ArticlePage, ArticleRepository, ArticleSearch } from './article.repository';
import type { ArticleOrder, ArticleRecord, ArticleRelations, ArticleRelationSelection, ArticleSelection, MentionRecord } from './article.record';

export type { ArticleRelationSelection, ArticleSelection } from './article.record';

/** The filter of an article list, as the API takes it (global ids, raw search text). */
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

const MAX_FILTER_IDS = 100;
const MAX_SEARCH_LENGTH = 200;

export class ArticleService {
  constructor(private readonly articles: ArticleRepository) {}

  async find(ctx: ArticleContext, by: { id?: string | null; slug?: string | null; url?: string | null }): Promise<ArticleRecord | null> {
    requireExactlyOne(by, ['id', 'slug', 'url']);
    if (by.id != null) return ctx.loaders.articleById.load(fromGlobalIdOfType(by.id, 'Article'));
    const found =
      by.slug != null ? await this.articles.findBySlug(normalizeText(by.slug).toLowerCase()) : await this.articles.findByUrl(normalizeUrlForLookup(by.url!));
    if (!found) return null;
    ctx.loaders.sourceById.prime(found.source.dbId, found.source);
    return found.article;
  }

  /** A page of articles; with `selection`, their selected relations are loaded for the page at once. */
  async list(
    ctx: ArticleContext,
    filter: ArticleFilter | null | undefined,
    order: ArticleOrder,
    args: ConnectionArgs,
    selection?: ArticleSelection,
  ): Promise<ConnectionResult<ArticleRecord>> {
    const criteria = toCriteria(filter ?? {});
    const { page, request } = this.page(args, order);
    const rows = await this.articles.list(criteria, page);
    if (selection) await this.prefetchRelations(ctx, rows, selection.fields, selection.relations);
    return buildConnection(rows, request, (row) => encodeCursor(row, order), () => this.articles.count(criteria));
  }

  async ofSource(ctx: ArticleContext, source: SourceRecord, order: ArticleOrder, args: ConnectionArgs): Promise<ConnectionResult<ArticleRecord>> {
    const { page, request } = this.page(args, order);
    const rows = await ctx.loaders.articlesBySourceId.load({ parentId: source.dbId, page });
    return buildConnection(rows, request, (row) => encodeCursor(row, order), () => ctx.loaders.articleCountBySourceId.load(source.dbId));
  }

  async ofPerson(
    ctx: ArticleContext,
    person: PersonRecord,
    role: PersonRole | null | undefined,
    order: ArticleOrder,
    args: ConnectionArgs,
  ): Promise<ConnectionResult<ArticleRecord>> {
    const { page, request } = this.page(args, order);
    const rows = await ctx.loaders.articlesByPersonId.load({ parentId: person.dbId, page: { ...page, role: role ?? null } });
    return buildConnection(rows, request, (row) => encodeCursor(row, order), () =>
      ctx.loaders.articleCountByPersonId.load({ parentId: person.dbId, page: { role: role ?? null } }),
    );
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

  private page(args: ConnectionArgs, order: ArticleOrder) {
    const request = toPageRequest(args);
    const after = request.cursor ? timeIdCursor.decode(request.cursor, cursorKind(order), request.cursorArgument) : null;
    const page: ArticlePage = { limit: request.limit, order, backward: request.direction === 'backward', after };
    return { page, request };
  }
}

function cursorKind(order: ArticleOrder): string {
  return `articles:${order}`;
}

function encodeCursor(row: ArticleRecord, order: ArticleOrder): string {
  return timeIdCursor.encode({ publishedAt: row.publishedAt, id: row.dbId }, cursorKind(order));
}

function toCriteria(filter: ArticleFilter): ArticleCriteria {
  const criteria: ArticleCriteria = {};
  if (filter.sourceIds != null) criteria.sourceIds = decodeIds(filter.sourceIds, 'Source', 'filter.sourceIds');
  if (filter.personIds != null) criteria.personIds = decodeIds(filter.personIds, 'Person', 'filter.personIds');
  if (filter.language != null) criteria.language = normalizeLanguageFilter(filter.language, 'filter.language');
  if (filter.publishedAfter != null) criteria.publishedAfter = filter.publishedAfter;
  if (filter.publishedBefore != null) criteria.publishedBefore = filter.publishedBefore;
  if (filter.search != null) {
    const search = prepareSearch(filter.search);
    if (search) criteria.search = search;
  }
  return criteria;
}

function decodeIds(ids: string[], type: 'Source' | 'Person', argument: string): string[] {
  if (ids.length > MAX_FILTER_IDS) {
    throw new BadUserInputError(`"${argument}" takes at most ${MAX_FILTER_IDS} IDs.`, { argument });
  }
  return [...new Set(ids.map((id) => fromGlobalIdOfType(id, type, argument)))];
}

/**
 * The query goes through the same normalisation as stored text (NFC, Unicode lower case), then
 * becomes prefix terms for full-text search. Only letters, marks and digits make a term, so no
 * tsquery syntax can come from the client.
 */
export function prepareSearch(raw: string): ArticleSearch | null {
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
  return { text, tsquery, substring };
}

/** Scripts written without spaces between words: a word is found inside a longer run of text. */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

