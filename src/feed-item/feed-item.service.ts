import { normalizeLanguageFilter } from '../common/input-normalizers';
import type { ArticleRecord } from '../article/article.record';
import { articleCriteria, type ArticleContext, type ArticleService } from '../article/article.service';
import type { ServiceContext } from '../common/request-context';
import type { RowsPage } from '../db/keyset';
import { coversAll } from '../db/column-selection';
import { SOURCE_TABLE, type SourceRecord } from '../source/source.record';
import type { FeedItemLoaders } from './feed-item.loaders';
import type { FeedCriteria, FeedItemRepository, FeedItemWithJoins, FeedPage, FeedSelection } from './feed-item.repository';
import type { FeedItemRecord } from './feed-item.record';

/**
 * The filter of a headline list: database ids, the language tag and the search as the client gave
 * them. `personIds` and `search` reach through the item's article (see FeedCriteria).
 */
export interface FeedItemFilter {
  sourceId?: string | null;
  sourceIds?: string[] | null;
  /** Items whose article was written by or mentions one of these people. */
  personIds?: string[] | null;
  language?: string | null;
  /** Words in the headline, or in the article's title, summary or body. */
  search?: string | null;
}

/** What the feed item service reads through the request's loaders (articles' included, for the joined ones). */
export type FeedItemContext = ServiceContext<FeedItemLoaders & ArticleContext['loaders']>;

export class FeedItemService {
  constructor(
    private readonly feedItems: FeedItemRepository,
    private readonly articles: ArticleService,
  ) {}

  /**
   * The sidebar. What the client selected of each item's source and article comes in the same
   * statement. A joined source holding every column also primes `sourceById`, so an article's
   * source that is the item's own costs nothing more; partial ones stay private to their item.
   */
  async latest(
    ctx: FeedItemContext,
    filter: FeedItemFilter,
    page: FeedPage,
    selection: FeedSelection,
  ): Promise<RowsPage<FeedItemWithJoins>> {
    const criteria = feedCriteria(filter);
    const rows = await this.feedItems.latest(criteria, page, selection);
    if (selection.source && coversAll(SOURCE_TABLE.map, selection.source)) {
      for (const row of rows) if (row.joinedSource) ctx.loaders.sourceById.prime(row.sourceId, row.joinedSource);
    }
    if (selection.article) {
      const articles = rows.flatMap((row) => (row.joinedArticle ? [row.joinedArticle] : []));
      await this.articles.prefetchRelations(ctx, articles, selection.article, selection.articleRelations);
    }
    return { rows, total: () => this.feedItems.count(criteria) };
  }

  /** By database id; null when there is no such item. */
  find(ctx: FeedItemContext, id: string): Promise<FeedItemRecord | null> {
    return ctx.loaders.feedItemById.load(id);
  }

  /** A filter as the list's criteria: what a subscription checks each new item against (BAD_USER_INPUT when malformed). */
  criteria(filter: FeedItemFilter): FeedCriteria {
    return feedCriteria(filter);
  }

  /** Which of these feed items (database ids) the criteria admit, as latestFeed with the same filter would. */
  matchingIds(_ctx: FeedItemContext, ids: readonly string[], criteria: FeedCriteria): Promise<Set<string>> {
    return this.feedItems.matchingIds(ids, criteria);
  }

  /** Feed items by database id through the request's loaders, in the order given; ids no longer stored are left out. */
  async byIds(ctx: FeedItemContext, ids: readonly string[]): Promise<FeedItemRecord[]> {
    const rows = await ctx.loaders.feedItemById.loadMany(ids);
    return rows.filter((row): row is FeedItemRecord => row !== null && !(row instanceof Error));
  }

  source(ctx: FeedItemContext, item: FeedItemWithJoins): SourceRecord | Promise<SourceRecord | null> {
    return item.joinedSource ?? ctx.loaders.sourceById.load(item.sourceId);
  }

  /** A source's headlines; the same page of many sources is one statement (the request's loaders). */
  async ofSource(ctx: FeedItemContext, sourceId: string, page: FeedPage): Promise<RowsPage<FeedItemRecord>> {
    const rows = await ctx.loaders.latestFeedBySourceId.load({ parentId: sourceId, page });
    return { rows, total: () => ctx.loaders.feedItemCountBySourceId.load(sourceId) };
  }

  article(ctx: FeedItemContext, item: FeedItemWithJoins): ArticleRecord | Promise<ArticleRecord | null> | null {
    if (item.joinedArticle !== undefined) return item.joinedArticle;
    return item.articleId ? ctx.loaders.articleById.load(item.articleId) : null;
  }
}

/**
 * A filter as the repository's criteria, each text once unless restricted to outlets; the people
 * and the search go through the articles' own (articleCriteria). The compiled latestFeed reads its
 * arguments through it too (feed-item.json-sql.ts).
 */
export function feedCriteria(filter: FeedItemFilter): FeedCriteria {
  const criteria: FeedCriteria = {};
  if (filter.sourceId != null) criteria.sourceId = filter.sourceId;
  if (filter.sourceIds != null) criteria.sourceIds = [...new Set(filter.sourceIds)];
  // An outlet's sidebar is shown as it stands; every other list of headlines shows a text once.
  if (criteria.sourceId === undefined && criteria.sourceIds === undefined) criteria.eachTextOnce = true;
  if (filter.language != null) criteria.language = normalizeLanguageFilter(filter.language, 'language');
  const { personIds, search } = articleCriteria({ personIds: filter.personIds, search: filter.search });
  if (personIds) criteria.article = { personIds };
  if (search) criteria.search = search;
  return criteria;
}
