import { normalizeLanguageFilter } from '../common/input-normalizers';
import type { ArticleRecord } from '../article/article.record';
import type { ArticleContext, ArticleService } from '../article/article.service';
import type { ServiceContext } from '../common/request-context';
import { buildConnection, toPageRequest, type ConnectionArgs, type ConnectionResult, type PageRequest } from '../graphql/relay/connection';
import { timePositionIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { coversAll } from '../db/column-selection';
import { SOURCE_TABLE, type SourceRecord } from '../source/source.record';
import type { FeedItemLoaders } from './feed-item.loaders';
import type { FeedCriteria, FeedItemRepository, FeedItemWithJoins, FeedPage, FeedSelection } from './feed-item.repository';
import type { FeedItemRecord } from './feed-item.record';

/** What the feed item service reads through the request's loaders (articles' included, for the joined ones). */
export type FeedItemContext = ServiceContext<FeedItemLoaders & ArticleContext['loaders']>;

const CURSOR_KIND = 'feed';

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
    filter: { sourceId?: string | null; language?: string | null },
    args: ConnectionArgs,
    selection: FeedSelection,
  ): Promise<ConnectionResult<FeedItemRecord>> {
    const criteria: FeedCriteria = {};
    if (filter.sourceId != null) criteria.sourceId = fromGlobalIdOfType(filter.sourceId, 'Source', 'sourceId');
    if (filter.language != null) criteria.language = normalizeLanguageFilter(filter.language, 'language');
    const { page, request } = toFeedPage(args);
    const rows = await this.feedItems.latest(criteria, page, selection);
    if (selection.source && coversAll(SOURCE_TABLE.map, selection.source)) {
      for (const row of rows) if (row.joinedSource) ctx.loaders.sourceById.prime(row.sourceId, row.joinedSource);
    }
    if (selection.article) {
      const articles = rows.flatMap((row) => (row.joinedArticle ? [row.joinedArticle] : []));
      await this.articles.prefetchRelations(ctx, articles, selection.article, selection.articleRelations);
    }
    return buildConnection<FeedItemRecord>(rows, request, encodeCursor, () => this.feedItems.count(criteria));
  }

  source(ctx: FeedItemContext, item: FeedItemWithJoins): SourceRecord | Promise<SourceRecord | null> {
    return item.joinedSource ?? ctx.loaders.sourceById.load(item.sourceId);
  }

  async ofSource(ctx: FeedItemContext, source: SourceRecord, args: ConnectionArgs): Promise<ConnectionResult<FeedItemRecord>> {
    const { page, request } = toFeedPage(args);
    const rows = await ctx.loaders.latestFeedBySourceId.load({ parentId: source.dbId, page });
    return buildConnection<FeedItemRecord>(rows, request, encodeCursor, () => ctx.loaders.feedItemCountBySourceId.load(source.dbId));
  }

  article(ctx: FeedItemContext, item: FeedItemWithJoins): ArticleRecord | Promise<ArticleRecord | null> | null {
    if (item.joinedArticle !== undefined) return item.joinedArticle;
    return item.articleId ? ctx.loaders.articleById.load(item.articleId) : null;
  }
}

function toFeedPage(args: ConnectionArgs): { page: FeedPage; request: PageRequest } {
  const request = toPageRequest(args);
  const after = request.cursor ? timePositionIdCursor.decode(request.cursor, CURSOR_KIND, request.cursorArgument) : null;
  return { page: { limit: request.limit, backward: request.direction === 'backward', after }, request };
}

function encodeCursor(row: FeedItemRecord): string {
  return timePositionIdCursor.encode({ publishedAt: row.publishedAt, position: row.position, id: row.dbId }, CURSOR_KIND);
}
