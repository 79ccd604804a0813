import { ArticleRepository } from './article/article.repository';
import { ArticleResolver } from './article/article.resolver';
import { ArticleService } from './article/article.service';
import type { SqlExecutor } from './db/sql-executor';
import { FeedItemRepository } from './feed-item/feed-item.repository';
import { FeedItemResolver } from './feed-item/feed-item.resolver';
import { FeedItemService } from './feed-item/feed-item.service';
import type { Repositories, ResolverRegistry } from './graphql/context';
import { NodeResolver } from './graphql/node.resolver';
import { NodeService } from './graphql/node.service';
import { PersonRepository } from './person/person.repository';
import { PersonResolver } from './person/person.resolver';
import { PersonService } from './person/person.service';
import { SourceRepository } from './source/source.repository';
import { SourceResolver } from './source/source.resolver';
import { SourceService } from './source/source.service';

/** Wires repositories → services → resolvers once per app: plain constructors, no DI framework. */
export function createServices(db: SqlExecutor) {
  const repositories: Repositories = {
    sources: new SourceRepository(db),
    people: new PersonRepository(db),
    articles: new ArticleRepository(db),
    feedItems: new FeedItemRepository(db),
  };
  const services = {
    sources: new SourceService(repositories.sources),
    people: new PersonService(repositories.people),
    articles: new ArticleService(repositories.articles),
    feedItems: new FeedItemService(repositories.feedItems),
    nodes: new NodeService(),
  };
  const resolverInstances = new Map<Function, unknown>([
    [NodeResolver, new NodeResolver(services.nodes)],
    [ArticleResolver, new ArticleResolver(services.articles, services.sources)],
    [SourceResolver, new SourceResolver(services.sources, services.articles, services.feedItems)],
    [PersonResolver, new PersonResolver(services.people, services.articles)],
    [FeedItemResolver, new FeedItemResolver(services.feedItems, services.sources)],
  ]);
  const resolvers: ResolverRegistry = {
    get(resolverClass) {
      const instance = resolverInstances.get(resolverClass);
      if (!instance) throw new Error(`No resolver instance registered for ${resolverClass.name}`);
      return instance;
    },
  };
  return { repositories, services, resolvers };
}

export type Services = ReturnType<typeof createServices>;
