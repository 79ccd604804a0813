import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import { articleSelection } from './article-selection';
import type { GraphQLContext } from '../graphql/context';
import { ConnectionArgs } from '../graphql/relay/connection';
import { Person } from '../person/person.types';
import { Source } from '../source/source.types';
import { ArticleService } from './article.service';
import { Article, ArticleConnection, ArticleFilter, ArticleOrder, Mention, type ArticleRecord } from './article.types';

const NODE_PATH = ['edges', 'node'] as const;

@Resolver(() => Article)
export class ArticleResolver {
  constructor(private readonly articleService: ArticleService) {}

  @Query(() => Article, { nullable: true, description: 'One article, by `id`, `slug` or `url` (pass exactly one); null when none matches.' })
  article(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID, { nullable: true, description: 'The article’s global ID.' }) id?: string,
    @Arg('slug', () => String, { nullable: true, description: 'The article’s slug.' }) slug?: string,
    @Arg('url', () => String, { nullable: true, description: 'The article’s URL at its publisher (the canonical form is looked up).' }) url?: string,
  ) {
    return this.articleService.find(ctx, { id, slug, url });
  }

  @Query(() => ArticleConnection, { description: 'Articles matching a filter, newest first by default.' })
  articles(
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => ArticleFilter, { nullable: true, description: 'Conditions every returned article meets.' }) filter?: ArticleFilter,
    @Arg('orderBy', () => ArticleOrder, { defaultValue: ArticleOrder.NEWEST_FIRST, description: 'Order of the list.' }) orderBy?: ArticleOrder,
  ) {
    return this.articleService.list(ctx, filter, orderBy ?? ArticleOrder.NEWEST_FIRST, args, articleSelection(info, NODE_PATH));
  }

  @FieldResolver(() => Source, { description: 'The publisher.' })
  source(@Root() article: ArticleRecord, @Ctx() ctx: GraphQLContext) {
    return this.articleService.source(ctx, article);
  }

  @FieldResolver(() => [Person], { description: 'Authors named in the byline, in byline order (empty when the byline holds only initials).' })
  authors(@Root() article: ArticleRecord, @Ctx() ctx: GraphQLContext) {
    return this.articleService.authors(ctx, article);
  }

  @FieldResolver(() => [Mention], { description: 'People the text names, most mentioned first, with counts.' })
  mentions(@Root() article: ArticleRecord, @Ctx() ctx: GraphQLContext) {
    return this.articleService.mentions(ctx, article);
  }

  @FieldResolver(() => [Source], { description: 'Outlets the article cites as its source of information.' })
  citedSources(@Root() article: ArticleRecord, @Ctx() ctx: GraphQLContext) {
    return this.articleService.citedSources(ctx, article);
  }
}
