import { GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { Field, ID, InterfaceType } from 'type-graphql';
import { CACHE_SECONDS, CacheHint } from '../../cache/cache-hints';
import { NODE_TYPE_NAMES, toGlobalId, type NodeTypeName } from './global-id';

/** The node type of records `node(id:)` returned (plain rows do not say what they are). */
const nodeTypes = new WeakMap<object, NodeTypeName>();

/**
 * Relay's Node: anything with a global ID can be refetched with `node(id:)`. Read models are plain
 * rows, not class instances: only `node(id:)` returns the interface, and it tags what it returns.
 */
@CacheHint(CACHE_SECONDS.headlines)
@InterfaceType('Node', {
  description: 'An object with a globally unique, opaque ID that `node(id:)` can refetch.',
  resolveType: (value: object) => nodeTypeOf(value),
})
export abstract class Node {
  @Field(() => ID, { description: 'Globally unique, opaque ID.' })
  id!: string;
}

/** The node type a record was tagged with (`asNodeOf`), for abstract types over the node types. */
export function nodeTypeOf(value: object): NodeTypeName | undefined {
  return nodeTypes.get(value);
}

/** Tags a record as a node of `type` for the Node interface; null stays null. */
export function asNodeOf<T extends object>(type: NodeTypeName, record: T | null): T | null {
  if (record) nodeTypes.set(record, type);
  return record;
}

/**
 * Every node type's `id` field computes the global ID from the row's database id, when a client
 * selects it: repositories return plain rows (`dbId`), and the ID is this layer's business. A
 * plain graphql-js resolver, as cheap as the default property read it replaces.
 */
export function resolveGlobalIds(schema: GraphQLSchema): void {
  for (const name of NODE_TYPE_NAMES) {
    const type = schema.getType(name);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`Node type ${name} is missing from the schema.`);
    const field = type.getFields().id;
    if (!field) throw new Error(`Node type ${name} has no id field.`);
    field.resolve = (row: { dbId: string }) => toGlobalId(name, row.dbId);
  }
}
