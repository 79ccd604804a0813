import type { ServiceContext } from '../common/request-context';
import type { Loaders } from './loaders';
import { fromGlobalId } from '../graphql/relay/global-id';
import { asNodeOf } from '../graphql/relay/node';

export class NodeService {
  /** Any node by its global id, tagged with its type for the Node interface; null when it is gone. */
  async node(ctx: ServiceContext<Loaders>, globalId: string): Promise<unknown> {
    const { type, id } = fromGlobalId(globalId);
    switch (type) {
      case 'Article':
        return asNodeOf(type, await ctx.loaders.articleById.load(id));
      case 'Source':
        return asNodeOf(type, await ctx.loaders.sourceById.load(id));
      case 'Person':
        return asNodeOf(type, await ctx.loaders.personById.load(id));
      case 'FeedItem':
        return asNodeOf(type, await ctx.loaders.feedItemById.load(id));
    }
  }
}
