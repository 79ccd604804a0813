import { BadUserInputError } from '../../common/errors/domain-errors';

/** Node types only their owner can refetch with `node(id:)`: a caller's webhooks and their delivery attempts (src/webhook). */
export type PrivateNodeTypeName = 'Webhook' | 'WebhookDelivery';

/** The node types that have global IDs. */
export type NodeTypeName = 'Article' | 'Source' | 'Person' | 'FeedItem' | 'Story' | 'SavedFeed' | PrivateNodeTypeName;

/** The node types whose `id` is computed from the row's `dbId` (the webhooks' types compute their own). */
export const NODE_TYPE_NAMES: readonly Exclude<NodeTypeName, PrivateNodeTypeName>[] = ['Article', 'Source', 'Person', 'FeedItem', 'Story', 'SavedFeed'];

/**
 * The node types a federation router may join (`@key`, `_entities`): the public ones. A saved feed
 * is its partner's own, refetched with `node(id:)` by its owner only.
 */
export type EntityTypeName = Exclude<NodeTypeName, 'SavedFeed' | PrivateNodeTypeName>;
export const ENTITY_TYPE_NAMES: readonly EntityTypeName[] = ['Article', 'Source', 'Person', 'FeedItem', 'Story'];
const NODE_TYPES: ReadonlySet<string> = new Set<string>([...NODE_TYPE_NAMES, 'Webhook', 'WebhookDelivery']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Opaque to clients: base64("Article:<uuid>"), as the Relay server specification suggests. */
export function toGlobalId(type: NodeTypeName, id: string): string {
  // The text is ASCII (a type name and a uuid), so btoa applies; it is the cheapest encoder here.
  return btoa(`${type}:${id}`);
}

export interface DecodedGlobalId {
  type: NodeTypeName;
  id: string;
}

/** Decodes and validates a global ID; anything malformed is the caller's error, never a 500. */
export function fromGlobalId(globalId: string, argumentName = 'id'): DecodedGlobalId {
  const invalid = () =>
    new BadUserInputError(`"${argumentName}" is not a valid ID.`, { argument: argumentName });
  if (typeof globalId !== 'string' || globalId.length === 0 || globalId.length > 200 || !BASE64.test(globalId)) {
    throw invalid();
  }
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) throw invalid();
  const type = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  if (!NODE_TYPES.has(type) || !UUID.test(id)) throw invalid();
  return { type: type as NodeTypeName, id };
}

/** Decodes a global ID that must be of one type (`article(id:)` given a Person ID is bad input). */
export function fromGlobalIdOfType(globalId: string, expected: NodeTypeName, argumentName = 'id'): string {
  const decoded = fromGlobalId(globalId, argumentName);
  if (decoded.type !== expected) {
    throw new BadUserInputError(`"${argumentName}" must be the ID of a ${expected}, not of a ${decoded.type}.`, {
      argument: argumentName,
    });
  }
  return decoded.id;
}

/**
 * A source or person as the feeds name it: a global ID of `type`, else a slug (slugs are lower-case
 * ASCII with hyphens; global IDs are base64 of `Type:uuid`, so the two never look alike).
 */
export function slugOrGlobalId(value: string, type: NodeTypeName, argumentName: string): { id: string } | { slug: string } {
  return looksLikeGlobalId(value, type) ? { id: fromGlobalIdOfType(value, type, argumentName) } : { slug: value };
}

function looksLikeGlobalId(value: string, type: string): boolean {
  try {
    return Buffer.from(value, 'base64').toString('utf8').startsWith(`${type}:`);
  } catch {
    return false;
  }
}
