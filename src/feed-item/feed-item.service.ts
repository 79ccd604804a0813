import { normalizeLanguageFilter } from '../common/input-normalizers';
import type { ArticleRecord } from '../article/article.types';
import type { ArticleService } from '../article/article.service';
import type { Loaders } from '../graphql/context';
import { buildConnection, toPageRequest, type ConnectionArgs, type ConnectionResult, type PageRequest } from '../graphql/relay/connection';
import { timePositionIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import type { SourceRecord } from '../source/source.types';
import { coversAll } from '../db/column-selection';
import { SOURCE_MAP } from '../source/source.repository';
import { type FeedCriteria, type FeedItemRepository, type FeedItemWithJoins, type FeedPage, type FeedSelection } from './feed-item.repository';
import type { FeedItemRecord } from './feed-item.types';

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
    loaders: Loaders,
    filter: { sourceId?: string | null; language?: string | null },
    args: ConnectionArgs,
    selection: FeedSelection,
  ): Promise<ConnectionResult<FeedItemRecord>> {
    const criteria: FeedCriteria = {};
    if (filter.sourceId != null) criteria.sourceId = fromGlobalIdOfType(filter.sourceId, 'Source', 'sourceId');
    if (filter.language != null) criteria.language = normalizeLanguageFilter(filter.language, 'language');
    const { page, request } = toFeedPage(args);
    const rows = await this.feedItems.latest(criteria, page, selection);
    if (selection.source && coversAll(SOURCE_MAP, selection.source)) {
      for (const row of rows) if (row.joinedSource) loaders.sourceById.prime(row.sourceId, row.joinedSource);
    }
    if (selection.article) {
      const articles = rows.flatMap((row) => (row.joinedArticle ? [row.joinedArticle] : []));
      await this.articles.prefetchRelations(loaders, articles, selection.article, selection.articleRelations);
    }
    return buildConnection<FeedItemRecord>(rows, request, encodeCursor, () => this.feedItems.count(criteria));
  }

  source(loaders: Loaders, item: FeedItemWithJoins): SourceRecord | Promise<SourceRecord | null> {
    return item.joinedSource ?? loaders.sourceById.load(item.sourceId);
  }

  async ofSource(loaders: Loaders, source: SourceRecord, args: ConnectionArgs): Promise<ConnectionResult<FeedItemRecord>> {
    const { page, request } = toFeedPage(args);
    const pageKey = `${page.backward}|${page.limit}|${page.after ? `${page.after.publishedAt.toISOString()}|${page.after.position}|${page.after.id}` : ''}`;
    const rows = await loaders.latestFeedBySourceId.load({ parentId: source.dbId, page, pageKey });
    return buildConnection<FeedItemRecord>(rows, request, encodeCursor, () => loaders.feedItemCountBySourceId.load(source.dbId));
  }

  article(loaders: Loaders, item: FeedItemWithJoins): ArticleRecord | Promise<ArticleRecord | null> | null {
    if (item.joinedArticle !== undefined) return item.joinedArticle;
    return item.articleId ? loaders.articleById.load(item.articleId) : null;
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
