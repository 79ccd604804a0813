import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { CACHE_SECONDS, CacheHint } from '../cache/cache-hints';
import type { GraphQLContext } from '../graphql/context';
import { ConnectionArgs } from '../graphql/relay/connection';
import type { SourceRecord } from '../source/source.record';
import { Source } from '../source/source.types';
import { feedPage } from './feed-item.page';
import { FeedItemService, type FeedItemContext } from './feed-item.service';
import { FeedItemConnection } from './feed-item.types';

/**
 * `Source.latestFeed`: a source's own headlines. It lives with the feed items, not with the
 * sources, so the source module never imports this one.
 */
@Resolver(() => Source)
export class SourceHeadlinesResolver {
  constructor(private readonly feedItemService: FeedItemService) {}

  @CacheHint(CACHE_SECONDS.headlines)
  @FieldResolver(() => FeedItemConnection, { description: 'This source’s "latest" headlines, newest first, page order kept for equal dates.' })
  async latestFeed(@Root() source: SourceRecord, @Ctx() ctx: GraphQLContext<FeedItemContext['loaders']>, @Args() args: ConnectionArgs) {
    const { page, connection } = feedPage(args);
    return connection(await this.feedItemService.ofSource(ctx, source.dbId, page));
  }
}
