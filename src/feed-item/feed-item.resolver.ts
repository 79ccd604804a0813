import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { Article } from '../article/article.types';
import type { GraphQLContext } from '../graphql/context';
import { ConnectionArgs } from '../graphql/relay/connection';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { selectedFields } from '../graphql/selection';
import { Source } from '../source/source.types';
import type { FeedSelection } from './feed-item.repository';
import { articleSelection } from '../article/article.resolver';
import { FeedItemService, type FeedItemContext } from './feed-item.service';
import { FeedItem, FeedItemConnection, type FeedItemRecord } from './feed-item.types';
import { feedPage } from './feed-item.page';
import { CACHE_SECONDS, CacheHint } from '../cache/cache-hints';

const NODE_PATH = ['edges', 'node'] as const;
const SOURCE_PATH = ['edges', 'node', 'source'] as const;
const ARTICLE_PATH = ['edges', 'node', 'article'] as const;

/** What to fetch with the feed items in one statement: what the client selected. */
function feedSelection(info: GraphQLResolveInfo): FeedSelection {
  const source = selectedFields(info, SOURCE_PATH);
  const article = articleSelection(info, ARTICLE_PATH);
  return {
    item: selectedFields(info, NODE_PATH),
    source: source.size > 0 ? source : null,
    article: article.fields.size > 0 ? article.fields : null,
    articleRelations: article.relations,
  };
}

@Resolver(() => FeedItem)
export class FeedItemResolver {
  constructor(private readonly feedItemService: FeedItemService) {}

  @CacheHint(CACHE_SECONDS.headlines)
  @Query(() => FeedItemConnection, {
    description: 'The "latest" sidebar: headlines newest first (page order kept for equal dates), from every source or one. Across sources each text once: an item whose article is a copy of another article’s text, or whose article an earlier item already links to, is left out (`article.carriedBy` names every outlet that carried it); one source’s sidebar is listed as it stands.',
  })
  async latestFeed(
    @Ctx() ctx: GraphQLContext<FeedItemContext['loaders']>,
    @Info() info: GraphQLResolveInfo,
    @Args() args: ConnectionArgs,
    @Arg('sourceId', () => ID, { nullable: true, description: 'Only this source’s headlines.' }) sourceId?: string,
    @Arg('language', () => String, { nullable: true, description: 'Only headlines in this language: a BCP 47 tag, matched by whole subtags either way and in any case (`bn` finds `bn-BD`; `bn-BD` finds `bn`; `zh-Hans` finds `zh` and `zh` finds `zh-Hans`, never `zha`).' })
    language?: string,
  ) {
    const filter = { sourceId: sourceId != null ? fromGlobalIdOfType(sourceId, 'Source', 'sourceId') : null, language };
    const { page, connection } = feedPage(args);
    return connection(await this.feedItemService.latest(ctx, filter, page, feedSelection(info)));
  }

  @FieldResolver(() => Source, { description: 'The source whose feed carries this headline.' })
  source(@Root() item: FeedItemRecord, @Ctx() ctx: GraphQLContext<FeedItemContext['loaders']>) {
    return this.feedItemService.source(ctx, item);
  }

  @FieldResolver(() => Article, { nullable: true, description: 'The full article, when we have stored it; null for headlines whose body we do not have.' })
  article(@Root() item: FeedItemRecord, @Ctx() ctx: GraphQLContext<FeedItemContext['loaders']>) {
    return this.feedItemService.article(ctx, item);
  }
}
