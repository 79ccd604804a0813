import type { ArticleLoaders } from '../article/article.loaders';
import { createArticleLoaders } from '../article/article.loaders';
import type { ArticleRepository } from '../article/article.repository';
import { observeBatches, type BatchObserver } from '../common/loader-metrics';
import type { Caller, ServiceContext, ServiceLogger } from '../common/request-context';
import type { Viewer } from '../common/viewer';
import { createFeedItemLoaders, type FeedItemLoaders } from '../feed-item/feed-item.loaders';
import type { FeedItemRepository } from '../feed-item/feed-item.repository';
import { createPersonLoaders, type PersonLoaders } from '../person/person.loaders';
import type { PersonRepository } from '../person/person.repository';
import { createSourceRegistryLoaders, type SourceRegistryLoaders } from '../source/source-registry.loaders';
import type { SourceRegistryRepository } from '../source/source-registry.repository';
import { createSourceLoaders, type SourceLoaders } from '../source/source.loaders';
import type { SourceRepository } from '../source/source.repository';

export interface Repositories {
  sources: SourceRepository;
  people: PersonRepository;
  articles: ArticleRepository;
  feedItems: FeedItemRepository;
  sourceRegistry: SourceRegistryRepository;
}

export type Loaders = SourceLoaders & PersonLoaders & ArticleLoaders & FeedItemLoaders & SourceRegistryLoaders;

/** Resolver instances for type-graphql's container: built once per app, shared by requests. */
export interface ResolverRegistry {
  get(resolverClass: abstract new (...args: never[]) => unknown): unknown;
}

/** A GraphQL request's context: the services' request context, plus what type-graphql needs. */
export interface GraphQLContext extends ServiceContext<Loaders> {
  requestId: string;
  viewer: Viewer;
  loaders: Loaders;
  resolvers: ResolverRegistry;
}

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
  };
  return observeBatch ? observeBatches(loaders, observeBatch) : loaders;
}
