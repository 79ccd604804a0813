import DataLoader from 'dataloader';
import type { ArticleRecord } from '../article/article.record';
import { byKey, groupedByKey } from '../common/batch';
import { pagedChildrenLoader } from '../common/paged-children-loader';
import type { KeysetPage, TimeIdKey } from '../db/keyset';
import type { ArticleClusterRecord, StoryFacetsRecord, StoryRecord } from './story.record';
import type { StoryRepository } from './story.repository';

/** Built per request: one statement per loader per tick, results in key order. */
export function createStoryLoaders(stories: StoryRepository) {
  return {
    storyById: new DataLoader<string, StoryRecord | null>(async (ids) => byKey(ids, await stories.findByIds(ids), (row) => row.dbId)),
    clusterByArticleId: new DataLoader<string, ArticleClusterRecord | null>(async (ids) =>
      byKey(ids, await stories.clustersByArticleIds(ids), (row) => row.articleId),
    ),
    duplicateIdsByCanonicalId: new DataLoader<string, string[]>(async (ids) =>
      groupedByKey(ids, await stories.duplicatesByCanonicalIds(ids), (row) => row.parentId).map((rows) => rows.map((row) => row.articleId)),
    ),
    carriedByArticleId: new DataLoader<string, string[]>(async (ids) =>
      groupedByKey(ids, await stories.carriedByArticleIds(ids), (row) => row.articleId).map((rows) => rows.map((row) => row.sourceId)),
    ),
    facetsByStoryId: new DataLoader<string, StoryFacetsRecord | null>(async (ids) => byKey(ids, await stories.facetsByStoryIds(ids), (row) => row.storyId)),
    reasonsByStoryId: new DataLoader<string, ArticleClusterRecord[]>(async (ids) =>
      groupedByKey(ids, await stories.reasonsByStoryIds(ids), (row) => row.storyId),
    ),
    articlesByStoryId: pagedChildrenLoader<KeysetPage<TimeIdKey>, ArticleRecord & { parentId: string }>((ids, page) => stories.articlesForStories(ids, page)),
  };
}

export type StoryLoaders = ReturnType<typeof createStoryLoaders>;
