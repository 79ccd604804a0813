import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { articlesOf } from '../article/article.resolver';
import { ArticleService } from '../article/article.service';
import { ArticleConnection, ArticleOrder } from '../article/article.types';
import { FeedItemService } from '../feed-item/feed-item.service';
import { FeedItemConnection } from '../feed-item/feed-item.types';
import type { GraphQLContext } from '../graphql/context';
import { ConnectionArgs, relayPage } from '../graphql/relay/connection';
import { nameIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { feedPage } from '../feed-item/feed-item.resolver';
import { SourceService } from './source.service';
import { Source, SourceConnection, type SourceRecord } from './source.types';
import { CACHE_SECONDS, CacheHint } from '../cache/cache-hints';

@Resolver(() => Source)
export class SourceResolver {
  constructor(
    private readonly sourceService: SourceService,
    private readonly articleService: ArticleService,
    private readonly feedItemService: FeedItemService,
  ) {}

  @Query(() => Source, { nullable: true, description: 'One source, by `id` or by `slug` (pass exactly one); null when none matches.' })
  source(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID, { nullable: true, description: 'The source’s global ID.' }) id?: string,
    @Arg('slug', () => String, { nullable: true, description: 'The source’s slug.' }) slug?: string,
  ) {
    return this.sourceService.find(ctx, { id: id != null ? fromGlobalIdOfType(id, 'Source') : id, slug });
  }

  @Query(() => SourceConnection, { description: 'Every source, alphabetically.' })
  async sources(@Ctx() ctx: GraphQLContext, @Args() args: ConnectionArgs) {
    const { page, connection } = relayPage(args, nameIdCursor, 'sources');
    return connection(await this.sourceService.list(ctx, page), (row) => ({ name: row.name, id: row.dbId }));
  }

  @FieldResolver(() => ArticleConnection, { description: 'Articles this source published.' })
  articles(
    @Root() source: SourceRecord,
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('orderBy', () => ArticleOrder, { defaultValue: ArticleOrder.NEWEST_FIRST, description: 'Order of the list.' }) orderBy: ArticleOrder,
  ) {
    return articlesOf(this.articleService, ctx, { kind: 'source', id: source.dbId }, orderBy, args);
  }

  @CacheHint(CACHE_SECONDS.headlines)
  @FieldResolver(() => FeedItemConnection, { description: 'This source’s "latest" headlines, newest first, page order kept for equal dates.' })
  async latestFeed(@Root() source: SourceRecord, @Ctx() ctx: GraphQLContext, @Args() args: ConnectionArgs) {
    const { page, connection } = feedPage(args);
    return connection(await this.feedItemService.ofSource(ctx, source.dbId, page));
  }
}
