import { BadUserInputError } from '../common/errors/domain-errors';
import type { ServiceContext } from '../common/request-context';
import type { Loaders } from './loaders';
import { ENTITY_TYPE_NAMES, fromGlobalId, fromGlobalIdOfType, type NodeTypeName, type PrivateNodeTypeName } from '../graphql/relay/global-id';
import type { SavedFeedService } from '../feed-item/saved-feed.service';
import { asNodeOf } from '../graphql/relay/node';

/** Loads a private node (a webhook, a delivery attempt) for its owner; null for anyone else. */
export type PrivateNodeLoader = (ctx: ServiceContext, type: PrivateNodeTypeName, id: string) => Promise<object | null>;

export class NodeService {
  constructor(
    private readonly savedFeeds: SavedFeedService,
    private readonly privateNodes: PrivateNodeLoader = async () => null,
  ) {}

  /** Any node by its global id, tagged with its type for the Node interface; null when it is gone. */
  async node(ctx: ServiceContext<Loaders>, globalId: string): Promise<unknown> {
    const { type, id } = fromGlobalId(globalId);
    return this.load(ctx, type, id);
  }

  /**
   * Apollo Federation's `_entities`: one answer per representation `{ __typename, id }`, in order,
   * where `id` is the global id our `@key(fields: "id")` promises. Each goes through the same
   * loaders as node(id:), all in one tick, so a router's batch of references costs one statement
   * per type. An item is its entity, null when the entity is gone, or its own error (a malformed
   * representation fails alone, as in Apollo's subgraph library, and the others still resolve).
   */
  entities(ctx: ServiceContext<Loaders>, representations: readonly unknown[]): Promise<unknown>[] {
    return representations.map((representation, index) => this.entity(ctx, representation, `representations[${index}]`));
  }

  private async entity(ctx: ServiceContext<Loaders>, representation: unknown, argument: string): Promise<unknown> {
    if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
      throw new BadUserInputError(`"${argument}" must be an object with "__typename" and "id".`, { argument });
    }
    const { __typename: typename, id } = representation as Record<string, unknown>;
    if (typeof typename !== 'string' || !(ENTITY_TYPE_NAMES as readonly string[]).includes(typename)) {
      throw new BadUserInputError(`"${argument}.__typename" must name an entity type of this subgraph: ${ENTITY_TYPE_NAMES.join(', ')}.`, {
        argument: `${argument}.__typename`,
      });
    }
    const type = typename as NodeTypeName;
    if (typeof id !== 'string') throw new BadUserInputError(`"${argument}.id" must be a global ID.`, { argument: `${argument}.id` });
    return this.load(ctx, type, fromGlobalIdOfType(id, type, `${argument}.id`));
  }

  private async load(ctx: ServiceContext<Loaders>, type: NodeTypeName, id: string): Promise<unknown> {
    switch (type) {
      case 'Article':
        return asNodeOf(type, await ctx.loaders.articleById.load(id));
      case 'Source':
        return asNodeOf(type, await ctx.loaders.sourceById.load(id));
      case 'Person':
        return asNodeOf(type, await ctx.loaders.personById.load(id));
      case 'FeedItem':
        return asNodeOf(type, await ctx.loaders.feedItemById.load(id));
      case 'Story':
        return asNodeOf(type, await ctx.loaders.storyById.load(id));
      case 'SavedFeed':
        // The caller's own (any, for admins); someone else's is as absent as a deleted one.
        return asNodeOf(type, await this.savedFeeds.find(ctx, id));
      case 'Webhook':
      case 'WebhookDelivery':
        return asNodeOf(type, await this.privateNodes(ctx, type, id));
    }
  }
}
