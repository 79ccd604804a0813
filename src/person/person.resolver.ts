import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { ConnectionArgs, relayPage } from '../graphql/relay/connection';
import { nameIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { PersonService, type PersonContext } from './person.service';
import { Person, PersonConnection } from './person.types';

@Resolver(() => Person)
export class PersonResolver {
  constructor(private readonly personService: PersonService) {}

  @Query(() => Person, { nullable: true, description: 'One person, by `id` or by `slug` (pass exactly one); null when none matches.' })
  person(
    @Ctx() ctx: GraphQLContext<PersonContext['loaders']>,
    @Arg('id', () => ID, { nullable: true, description: 'The person’s global ID.' }) id?: string,
    @Arg('slug', () => String, { nullable: true, description: 'The person’s slug.' }) slug?: string,
  ) {
    return this.personService.find(ctx, { id: id != null ? fromGlobalIdOfType(id, 'Person') : id, slug });
  }

  @Query(() => PersonConnection, { description: 'People, alphabetically; with `search`, those whose name or any alias matches.' })
  async people(
    @Ctx() ctx: GraphQLContext<PersonContext['loaders']>,
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
}
