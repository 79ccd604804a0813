import { Arg, Resolver, Root, Subscription } from 'type-graphql';
import { decodeIds } from '../article/article.resolver';
import { Article, type ArticleRecord } from '../article/article.types';
import type { FeedItemRecord } from '../feed-item/feed-item.record';
import { FeedItem } from '../feed-item/feed-item.types';
import type { GraphQLContext } from '../graphql/context';
import type { LiveContext, LiveNews } from './live-news';
import { ArticlePublishedFilter, FeedItemAddedFilter } from './live.types';

/** The filters' global ids decoded (at most 100 each, as in the lists' filters). */
function decodedIds(filter: { sourceIds?: string[] | null; personIds?: string[] | null } | null | undefined) {
  return {
    sourceIds: filter?.sourceIds != null ? decodeIds(filter.sourceIds, 'Source', 'filter.sourceIds') : null,
    personIds: filter?.personIds != null ? decodeIds(filter.personIds, 'Person', 'filter.personIds') : null,
  };
}

/** The resolver instance of the subscription's app (the subscribe functions are static: type-graphql calls them without one). */
function live(context: GraphQLContext): LiveNews {
  return (context.resolvers.get(LiveResolver) as LiveResolver).live;
}

type SubscribeArgs<F> = { args: { filter?: F | null }; context: GraphQLContext & LiveContext };

/**
 * GraphQL subscriptions (over graphql-ws on /graphql, src/http/subscriptions.ts): new headlines
 * and new articles as they are stored, by any process on the database, filtered as the lists are.
 */
@Resolver()
export class LiveResolver {
  constructor(readonly live: LiveNews) {}

  @Subscription(() => FeedItem, {
    description:
      'New headlines as they are stored (by any gateway or worker on the database), each once, in the order stored. Over WebSocket (graphql-ws protocol) on /graphql.',
    subscribe: ({ args, context }: SubscribeArgs<FeedItemAddedFilter>) => {
      const filter = args.filter;
      return live(context).feedItems(context, { ...decodedIds(filter), language: filter?.language ?? null });
    },
  })
  feedItemAdded(
    @Root() item: FeedItemRecord,
    @Arg('filter', () => FeedItemAddedFilter, { nullable: true, description: 'Which headlines to receive; all when omitted.' }) _filter?: FeedItemAddedFilter,
  ): FeedItemRecord {
    return item;
  }

  @Subscription(() => Article, {
    description:
      'New articles as they are stored (by any gateway or worker on the database), each once, in the order stored. Over WebSocket (graphql-ws protocol) on /graphql.',
    subscribe: ({ args, context }: SubscribeArgs<ArticlePublishedFilter>) => {
      const filter = args.filter;
      return live(context).articles(context, { ...decodedIds(filter), language: filter?.language ?? null, search: filter?.search ?? null });
    },
  })
  articlePublished(
    @Root() article: ArticleRecord,
    @Arg('filter', () => ArticlePublishedFilter, { nullable: true, description: 'Which articles to receive; all when omitted.' }) _filter?: ArticlePublishedFilter,
  ): ArticleRecord {
    return article;
  }
}
