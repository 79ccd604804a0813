import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import type { SourceContext } from './source.service';
import { ConnectionArgs, relayPage } from '../graphql/relay/connection';
import { nameIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { SourceService } from './source.service';
import { Source, SourceConnection } from './source.types';

@Resolver(() => Source)
export class SourceResolver {
  constructor(private readonly sourceService: SourceService) {}

  @Query(() => Source, { nullable: true, description: 'One source, by `id` or by `slug` (pass exactly one); null when none matches.' })
  source(
    @Ctx() ctx: GraphQLContext<SourceContext['loaders']>,
    @Arg('id', () => ID, { nullable: true, description: 'The source’s global ID.' }) id?: string,
    @Arg('slug', () => String, { nullable: true, description: 'The source’s slug.' }) slug?: string,
  ) {
    return this.sourceService.find(ctx, { id: id != null ? fromGlobalIdOfType(id, 'Source') : id, slug });
  }

  @Query(() => SourceConnection, { description: 'Every source, alphabetically.' })
  async sources(@Ctx() ctx: GraphQLContext<SourceContext['loaders']>, @Args() args: ConnectionArgs) {
    const { page, connection } = relayPage(args, nameIdCursor, 'sources');
    return connection(await this.sourceService.list(ctx, page), (row) => ({ name: row.name, id: row.dbId }));
  }
}
