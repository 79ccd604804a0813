import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { ConnectionArgs } from '../graphql/relay/connection';
import { PersonRole, type PersonRecord } from '../person/person.record';
import { Person } from '../person/person.types';
import type { SourceRecord } from '../source/source.record';
import { Source } from '../source/source.types';
import { articlesOf } from './article.resolver';
import { ArticleService, type ArticleContext } from './article.service';
import { ArticleConnection, ArticleOrder } from './article.types';

/**
 * The article lists of the types articles point at: `Source.articles` and `Person.articles`. They
 * live with the articles, not with sources and people, so those modules never import this one.
 */
@Resolver(() => Source)
export class SourceArticlesResolver {
  constructor(private readonly articleService: ArticleService) {}

  @FieldResolver(() => ArticleConnection, { description: 'Articles this source published.' })
  articles(
    @Root() source: SourceRecord,
    @Ctx() ctx: GraphQLContext<ArticleContext['loaders']>,
    @Args() args: ConnectionArgs,
    @Arg('orderBy', () => ArticleOrder, { defaultValue: ArticleOrder.NEWEST_FIRST, description: 'Order of the list.' }) orderBy: ArticleOrder,
  ) {
    return articlesOf(this.articleService, ctx, { kind: 'source', id: source.dbId }, orderBy, args);
  }
}

@Resolver(() => Person)
export class PersonArticlesResolver {
  constructor(private readonly articleService: ArticleService) {}

  @FieldResolver(() => ArticleConnection, { description: 'Articles by or about this person, newest first by default, each text once (a syndicated copy is left out for its canonical copy).' })
  articles(
    @Root() person: PersonRecord,
    @Ctx() ctx: GraphQLContext<ArticleContext['loaders']>,
    @Args() args: ConnectionArgs,
    @Arg('role', () => PersonRole, { nullable: true, description: 'Only articles the person wrote (AUTHOR) or is named in (MENTIONED); both when omitted.' })
    role: PersonRole | null,
    @Arg('orderBy', () => ArticleOrder, { defaultValue: ArticleOrder.NEWEST_FIRST, description: 'Order of the list.' }) orderBy: ArticleOrder,
  ) {
    return articlesOf(this.articleService, ctx, { kind: 'person', id: person.dbId, role }, orderBy, args);
  }
}
