import { defineTable, columnsOf, type RecordOf } from '../db/column-selection';
import type { FeedItemEntity } from './feed-item.entity';

const c = columnsOf<FeedItemEntity>();

/**
 * What reads return of a feed item: the one list of its fields and columns (see
 * db/column-selection.ts). Ids, the article link and the sort key are always read.
 */
export const FEED_ITEM_TABLE = defineTable<FeedItemEntity>()('feed_item', 'f', {
  dbId: c('id', 'id', { required: true }),
  sourceId: c('sourceId', 'source_id', { required: true }),
  articleId: c('articleId', 'article_id', { required: true }),
  headline: c('headline', 'headline'),
  url: c('url', 'url'),
  imageUrl: c('imageUrl', 'image_url'),
  language: c('language', 'language'),
  publishedAt: c('publishedAt', 'published_at', { required: true }),
  position: c('position', 'position', { required: true }),
});

/** The read model: a plain row, as repositories return it. */
export type FeedItemRecord = RecordOf<typeof FEED_ITEM_TABLE>;
