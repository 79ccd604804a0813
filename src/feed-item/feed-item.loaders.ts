import DataLoader from 'dataloader';
import { byKey } from '../common/batch';
import { countByParentLoader, pagedChildrenLoader } from '../common/paged-children-loader';
import type { FeedItemRepository, FeedPage } from './feed-item.repository';
import type { FeedItemRecord } from './feed-item.record';

export function createFeedItemLoaders(feedItems: FeedItemRepository) {
  return {
    feedItemById: new DataLoader<string, FeedItemRecord | null>(async (ids) => byKey(ids, await feedItems.findByIds(ids), (row) => row.dbId)),
    latestFeedBySourceId: pagedChildrenLoader((ids, page: FeedPage) => feedItems.latestForSources(ids, page)),
    feedItemCountBySourceId: countByParentLoader((ids) => feedItems.countForSources(ids)),
  };
}

export type FeedItemLoaders = ReturnType<typeof createFeedItemLoaders>;
