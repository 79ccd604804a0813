import { Field, ID, InterfaceType } from 'type-graphql';
import { CACHE_SECONDS, CacheHint } from '../../syndication/cache-hints';

/**
 * Relay's Node: anything with a global ID can be refetched with `node(id:)`. Read models are plain
 * objects, not class instances, so the concrete type comes from their `__typename`.
 */
@CacheHint(CACHE_SECONDS.headlines)
@InterfaceType('Node', {
  description: 'An object with a globally unique, opaque ID that `node(id:)` can refetch.',
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Globally unique, opaque ID.' })
  id!: string;
}
