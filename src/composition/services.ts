/**
 * The composition root: the only code that knows every concrete class. services.ts builds
 * repositories, services and resolvers; gateway.ts adds caches, the edge, Apollo and HTTP. Only
 * src/main.ts and src/cli/ import it.
 */
import { ArticleRepository } from '../article/article.repository';
import { ArticleWriteRepository } from '../article/article-write.repository';
import { AuthChecker } from '../edge/auth-checker';
import { SchemaAuthChecker } from '../graphql/authorization';
import { ArticleResolver } from '../article/article.resolver';
import { PersonArticlesResolver, SourceArticlesResolver } from '../article/article-lists.resolver';
import { ArticleService } from '../article/article.service';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import { IngestService } from '../ingest/ingest.service';
import { FeedItemRepository } from '../feed-item/feed-item.repository';
import { FeedItemResolver } from '../feed-item/feed-item.resolver';
import { SourceHeadlinesResolver } from '../feed-item/source-headlines.resolver';
import { FeedItemService } from '../feed-item/feed-item.service';
import { createServiceContext, type Repositories } from '../api/loaders';
import type { ResolverRegistry } from '../graphql/context';
import { currentRequest } from '../common/request-context';
import { NodeResolver } from '../api/node.resolver';
import { NodeService } from '../api/node.service';
import { FederationResolver } from '../api/federation.resolver';
import { FederationService } from '../api/federation.service';
import { printSubgraphSchema } from '../api/schema';
import { PersonRepository } from '../person/person.repository';
import { PersonResolver } from '../person/person.resolver';
import { PersonService } from '../person/person.service';
import { SourceRegistryRepository } from '../source/source-registry.repository';
import { SourceRegistryResolver } from '../source-registry/source-registry.resolver';
import { SourceRegistryService } from '../source-registry/source-registry.service';
import { SourceRepository } from '../source/source.repository';
import { SourceResolver } from '../source/source.resolver';
import { SourceService } from '../source/source.service';
import { ApiKeyRepository } from '../api-key/api-key.repository';
import { ApiKeyResolver } from '../api-key/api-key.resolver';
import { ApiKeyService } from '../api-key/api-key.service';
import { SyndicationFeedService } from '../syndication/syndication-feed.service';
import { FrontPageService } from '../syndication/front-page.service';
import { StoryRepository } from '../story/story.repository';
import { ArticleStoryResolver, StoryLinkResolver, StoryResolver } from '../story/story.resolver';
import { StoryService } from '../story/story.service';
import { FeedFilterService } from '../feed-item/feed-filter.service';
import { SavedFeedRepository } from '../feed-item/saved-feed.repository';
import { SavedFeedResolver } from '../feed-item/saved-feed.resolver';
import { SavedFeedService } from '../feed-item/saved-feed.service';
import { NewsEvents } from '../events/news-events';
import { InProcessDeliveryQueue, PgBossDeliveryQueue } from '../webhook/delivery-queue';
import { WebhookDispatcher } from '../webhook/webhook.dispatcher';
import { WebhookRepository } from '../webhook/webhook.repository';
import { WebhookDeliveryResolver, WebhookResolver } from '../webhook/webhook.resolver';
import { WebhookSender } from '../webhook/webhook.sender';
import { WebhookService } from '../webhook/webhook.service';
import { LiveNews } from '../live/live-news';
import { LiveResolver } from '../live/live.resolver';

/** What type-graphql's container asks the registry for: a resolver's (or the auth checker's) class. */
type ResolverClass = Parameters<ResolverRegistry['get']>[0];

export interface ServiceOptions {
  config: AppConfig;
  logger: Logger;
}

/** Wires repositories → services → resolvers once per app: plain constructors, no DI framework. */
export function createServices(db: SqlExecutor, { config, logger }: ServiceOptions) {
  const repositories: Repositories = {
    sources: new SourceRepository(db),
    people: new PersonRepository(db),
    articles: new ArticleRepository(db),
    feedItems: new FeedItemRepository(db),
    sourceRegistry: new SourceRegistryRepository(db),
    stories: new StoryRepository(db),
  };
  // Fetching and storing feeds: refreshSource runs it in the API process, the worker on its schedule.
  const ingest = new IngestService({
    config,
    db,
    logger,
    repositories: { registry: repositories.sourceRegistry, sources: repositories.sources, people: repositories.people, writer: new ArticleWriteRepository() },
  });
  const articles = new ArticleService(repositories.articles);
  const sources = new SourceService(repositories.sources);
  const people = new PersonService(repositories.people);
  // The one normaliser of feed filters: the latest feeds' query parameters and saved feeds' filters.
  const feedFilters = new FeedFilterService(sources, people);
  const savedFeeds = new SavedFeedService(new SavedFeedRepository(db), feedFilters);
  // Outbound webhooks: the dispatcher hears news events and delivers through the queue of the
  // database's kind (pg-boss on a Postgres server, timers on the embedded one); started by the gateway.
  const webhookRepository = new WebhookRepository(db);
  const webhookSender = new WebhookSender(config.fetch.allowlist, config.webhooks.timeoutMs);
  const databaseUrl = config.databaseUrl;
  const webhookDispatcher = new WebhookDispatcher({
    repository: webhookRepository,
    sender: webhookSender,
    events: () => new NewsEvents(db, logger),
    queue: () => (databaseUrl ? new PgBossDeliveryQueue(databaseUrl, config.webhooks.timeoutMs, logger) : new InProcessDeliveryQueue(logger)),
    retryBaseMs: config.webhooks.retryBaseMs,
    failureWindowSeconds: config.webhooks.failureWindowSeconds,
    activationCheckMs: config.webhooks.activationCheckSeconds * 1000,
    timeoutMs: config.webhooks.timeoutMs,
    logger,
  });
  const webhookService = new WebhookService(webhookRepository, webhookDispatcher, webhookSender);
  const services = {
    sources,
    people,
    articles,
    feedItems: new FeedItemService(repositories.feedItems, articles),
    savedFeeds,
    nodes: new NodeService(savedFeeds, (ctx, type, id) => webhookService.node(ctx, type, id)),
    sourceRegistry: new SourceRegistryService(db, repositories.sources, repositories.sourceRegistry, ingest, config.ingest.defaultIntervalMinutes),
    apiKeys: new ApiKeyService(new ApiKeyRepository(db)),
    stories: new StoryService(repositories.stories),
    webhooks: webhookService,
  };
  // A feed or page request reads through loaders of its own, as a GraphQL request does.
  const requestContext = () => createServiceContext(repositories, { requestId: currentRequest()?.reqId ?? '', viewer: { kind: 'anonymous', id: '' }, logger });
  const feeds = new SyndicationFeedService(services.feedItems, feedFilters, services.savedFeeds, services.stories, requestContext);
  const frontPage = new FrontPageService(services.feedItems, services.articles, services.sources, services.people, services.stories, requestContext);
  // Subscriptions: the news events (LISTEN, from the first subscriber on), each event read once through loaders of its own.
  const live = new LiveNews({
    events: new NewsEvents(db, logger),
    feedItems: services.feedItems,
    articles: services.articles,
    createContext: () => createServiceContext(repositories, { requestId: 'live', viewer: { kind: 'anonymous', id: '' }, logger }),
    logger,
    queueLimit: config.live.queueLimit,
  });
  const resolverInstances = new Map<ResolverClass, unknown>([
    // The schema's auth checker asks the same registry for the implementation of its role checks.
    [SchemaAuthChecker, new AuthChecker()],
    [NodeResolver, new NodeResolver(services.nodes)],
    // Apollo Federation's `_entities` (through the node loaders) and `_service` (the subgraph SDL).
    [FederationResolver, new FederationResolver(services.nodes, new FederationService({ sdl: printSubgraphSchema, open: config.introspection }))],
    [ArticleResolver, new ArticleResolver(services.articles)],
    [SourceResolver, new SourceResolver(services.sources)],
    [SourceArticlesResolver, new SourceArticlesResolver(services.articles)],
    [SourceHeadlinesResolver, new SourceHeadlinesResolver(services.feedItems)],
    [SourceRegistryResolver, new SourceRegistryResolver(services.sourceRegistry)],
    [PersonResolver, new PersonResolver(services.people)],
    [PersonArticlesResolver, new PersonArticlesResolver(services.articles)],
    [FeedItemResolver, new FeedItemResolver(services.feedItems)],
    [SavedFeedResolver, new SavedFeedResolver(services.savedFeeds)],
    [ApiKeyResolver, new ApiKeyResolver(services.apiKeys)],
    [StoryResolver, new StoryResolver(services.stories)],
    [StoryLinkResolver, new StoryLinkResolver()],
    [ArticleStoryResolver, new ArticleStoryResolver(services.stories)],
    [WebhookResolver, new WebhookResolver(services.webhooks)],
    [WebhookDeliveryResolver, new WebhookDeliveryResolver()],
    [LiveResolver, new LiveResolver(live)],
  ]);
  const resolvers: ResolverRegistry = {
    get(resolverClass) {
      const instance = resolverInstances.get(resolverClass);
      if (!instance) throw new Error(`No resolver instance registered for ${resolverClass.name}`);
      return instance;
    },
  };
  return { repositories, services: { ...services, feeds, frontPage }, resolvers, ingest, webhooks: webhookDispatcher, live };
}

export type Services = ReturnType<typeof createServices>;
