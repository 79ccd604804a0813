import type { Loaders } from './context';
import { fromGlobalId } from './relay/global-id';

export class NodeService {
  async node(loaders: Loaders, globalId: string): Promise<unknown> {
    const { type, id } = fromGlobalId(globalId);
    switch (type) {
      case 'Article':
        return loaders.articleById.load(id);
      case 'Source':
        return loaders.sourceById.load(id);
      case 'Person':
        return loaders.personById.load(id);
      case 'FeedItem':
        return loaders.feedItemById.load(id);
    }
  }
}
