import type { ArticleLoaders } from '../article/article.loaders';
import { createArticleLoaders } from '../article/article.loaders';
import type { ArticleRepository } from '../article/article.repository';
import { observeBatches, type BatchObserver } from '../common/loader-metrics';
import type { Caller, ServiceContext, ServiceLogger } from '../common/request-context';
import { createFeedItemLoaders, type FeedItemLoaders } from '../feed-item/feed-item.loaders';
import type { FeedItemRepository } from '../feed-item/feed-item.repository';
import type { GraphQLContext } from '../graphql/context';
import { createPersonLoaders, type PersonLoaders } from '../person/person.loaders';
import type { PersonRepository } from '../person/person.repository';
import { createSourceRegistryLoaders, type SourceRegistryLoaders } from '../source-registry/source-registry.loaders';
import type { SourceRegistryRepository } from '../source/source-registry.repository';
import { createSourceLoaders, type SourceLoaders } from '../source/source.loaders';
import type { SourceRepository } from '../source/source.repository';
import { createStoryLoaders, type StoryLoaders } from '../story/story.loaders';
import type { StoryRepository } from '../story/story.repository';

/** The repositories the request's loaders read through. */
export interface Repositories {
  sources: SourceRepository;
  people: PersonRepository;
  articles: ArticleRepository;
  feedItems: FeedItemRepository;
  sourceRegistry: SourceRegistryRepository;
  stories: StoryRepository;
}

/** Every loader of a request, each named by its key (`articleById`, `authorsByArticleId`, ...). */
export type Loaders = SourceLoaders & PersonLoaders & ArticleLoaders & FeedItemLoaders & SourceRegistryLoaders & StoryLoaders;

/** The gateway's GraphQL context: a request's caller, id and logger with every loader. */
export type GatewayContext = GraphQLContext<Loaders>;

/**
 * A request context for work that does not come through GraphQL (the syndication feeds): its own
 * loaders, for as long as the request lasts.
 */
export function createServiceContext(
  repositories: Repositories,
  request: { requestId: string; viewer: Caller; logger: ServiceLogger },
  observeBatch?: BatchObserver,
): ServiceContext<Loaders> {
  return { ...request, loaders: createLoaders(repositories, observeBatch) };
}

/**
 * Loaders are built per request, so a cached row never outlives the operation that read it. With
 * `observeBatch`, each batch's size is reported under the loader's name (the metrics).
 */
export function createLoaders(repositories: Repositories, observeBatch?: BatchObserver): Loaders {
  const loaders: Loaders = {
    ...createSourceLoaders(repositories.sources),
    ...createPersonLoaders(repositories.people),
    ...createArticleLoaders(repositories.articles),
    ...createFeedItemLoaders(repositories.feedItems),
    ...createSourceRegistryLoaders(repositories.sourceRegistry),
    ...createStoryLoaders(repositories.stories),
  };
  return observeBatch ? observeBatches(loaders, observeBatch) : loaders;
}
