import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from './loaders';
import { Node } from '../graphql/relay/node';
import { NodeService } from './node.service';

@Resolver()
export class NodeResolver {
  constructor(private readonly nodeService: NodeService) {}

  @Query(() => Node, { nullable: true, description: 'Refetches any object by its global ID; null when it no longer exists.' })
  node(@Ctx() ctx: GatewayContext, @Arg('id', () => ID, { description: 'A global ID from any `id` field.' }) id: string) {
    return this.nodeService.node(ctx, id);
  }
}
