import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { articlesOf } from '../article/article.resolver';
import { ArticleService } from '../article/article.service';
import { ArticleConnection, ArticleOrder } from '../article/article.types';
import type { GraphQLContext } from '../graphql/context';
import { ConnectionArgs, relayPage } from '../graphql/relay/connection';
import { nameIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { PersonService } from './person.service';
import { Person, PersonConnection, PersonRole, type PersonRecord } from './person.types';

@Resolver(() => Person)
export class PersonResolver {
  constructor(
    private readonly personService: PersonService,
    private readonly articleService: ArticleService,
  ) {}

  @Query(() => Person, { nullable: true, description: 'One person, by `id` or by `slug` (pass exactly one); null when none matches.' })
  person(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID, { nullable: true, description: 'The person’s global ID.' }) id?: string,
    @Arg('slug', () => String, { nullable: true, description: 'The person’s slug.' }) slug?: string,
  ) {
    return this.personService.find(ctx, { id: id != null ? fromGlobalIdOfType(id, 'Person') : id, slug });
  }

  @Query(() => PersonConnection, { description: 'People, alphabetically; with `search`, those whose name or any alias matches.' })
  async people(
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('search', () => String, {
      nullable: true,
      description: 'Part of a name or alias in any script; inflected forms (`পুতিনের`, `Putin’s`) also find the person.',
    })
    search?: string,
  ) {
    const { page, connection } = relayPage(args, nameIdCursor, 'people');
    return connection(await this.personService.list(ctx, search, page), (row) => ({ name: row.name, id: row.dbId }));
  }

  @FieldResolver(() => ArticleConnection, { description: 'Articles by or about this person, newest first by default.' })
  articles(
    @Root() person: PersonRecord,
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('role', () => PersonRole, { nullable: true, description: 'Only articles the person wrote (AUTHOR) or is named in (MENTIONED); both when omitted.' })
    role: PersonRole | null,
    @Arg('orderBy', () => ArticleOrder, { defaultValue: ArticleOrder.NEWEST_FIRST, description: 'Order of the list.' }) orderBy: ArticleOrder,
  ) {
    return articlesOf(this.articleService, ctx, { kind: 'person', id: person.dbId, role }, orderBy, args);
  }
}
