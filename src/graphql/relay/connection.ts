import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { BadUserInputError } from '../../common/errors/domain-errors';
import type { KeysetPage, RowsPage } from '../../db/keyset';
import { CACHE_SECONDS, CacheHint } from '../../cache/cache-hints';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Return the first n items after \`after\` (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}; larger values are capped).`,
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor (from `pageInfo.endCursor` or an edge).' })
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `Return the last n items before \`before\` (at most ${MAX_PAGE_SIZE}; larger values are capped).`,
  })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items before this cursor (from `pageInfo.startCursor` or an edge).' })
  before?: string | null;
}

/** A validated page request: which way to read, how many, and from which raw cursor. */
interface PageRequest {
  direction: 'forward' | 'backward';
  limit: number;
  cursor: string | null;
  cursorArgument: 'after' | 'before';
}

/**
 * Relay paging rules in one place. `first` and `last` together are ambiguous and refused, as is a
 * negative count; counts over the maximum are capped rather than refused so a client asking for
 * "everything" still gets a page.
 */
function toPageRequest(args: ConnectionArgs): PageRequest {
  const { first, after, last, before } = args;
  if (first != null && last != null) {
    throw new BadUserInputError('Pass either "first" or "last", not both.', { argument: 'first' });
  }
  if (first != null && first < 0) throw new BadUserInputError('"first" must not be negative.', { argument: 'first' });
  if (last != null && last < 0) throw new BadUserInputError('"last" must not be negative.', { argument: 'last' });
  // No list hands out an empty cursor: refused like any malformed one, not read as "no cursor".
  for (const [argument, cursor] of [['after', after], ['before', before]] as const) {
    if (cursor === '') throw new BadUserInputError(`"${argument}" is not a valid cursor for this list.`, { argument });
  }
  if (last != null || (before != null && first == null)) {
    if (after != null) {
      throw new BadUserInputError('Pass "after" with "first" and "before" with "last".', { argument: 'after' });
    }
    return { direction: 'backward', limit: Math.min(last ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), cursor: before ?? null, cursorArgument: 'before' };
  }
  if (before != null) {
    throw new BadUserInputError('Pass "after" with "first" and "before" with "last".', { argument: 'before' });
  }
  return { direction: 'forward', limit: Math.min(first ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), cursor: after ?? null, cursorArgument: 'after' };
}

// Lists inherit the max-age of the field that returns them (a sidebar's is the headlines').
@CacheHint(CACHE_SECONDS.catalog)
@ObjectType('PageInfo', { simpleResolvers: true, description: 'Where a page sits in its list (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page.' })
  hasNextPage!: boolean;

  @Field({ description: 'True when items precede this page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge on this page; null when the page is empty.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge on this page; null when the page is empty.' })
  endCursor!: string | null;
}

/**
 * The plain shape a service returns. `totalCount` is a function so the count query only runs when
 * a client selects the field (GraphQL's default resolver calls function-valued properties).
 */
export interface ConnectionResult<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  totalCount: () => Promise<number>;
}

/** Edge whose cursor is encoded only when a client asks for it. */
class LazyEdge<T> {
  constructor(
    readonly node: T,
    private readonly encodeCursor: (node: T) => string,
  ) {}

  get cursor(): string {
    return this.encodeCursor(this.node);
  }
}

/**
 * Builds a connection from rows fetched with limit + 1 (the extra row only says whether another
 * page exists). Backward pages are fetched in reverse order and flipped here.
 */
function buildConnection<T>(
  rows: T[],
  page: PageRequest,
  encodeCursor: (node: T) => string,
  count: () => Promise<number>,
): ConnectionResult<T> {
  const hasMore = rows.length > page.limit;
  const pageRows = hasMore ? rows.slice(0, page.limit) : rows;
  if (page.direction === 'backward') pageRows.reverse();
  const edges = pageRows.map((node) => new LazyEdge(node, encodeCursor));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.direction === 'forward' ? hasMore : page.cursor != null,
      hasPreviousPage: page.direction === 'backward' ? hasMore : page.cursor != null,
      startCursor: edges.length > 0 ? edges[0]!.cursor : null,
      endCursor: edges.length > 0 ? edges[edges.length - 1]!.cursor : null,
    },
    totalCount: memoize(count),
  };
}

/** A list's cursor format: a sort key to opaque text and back, for one ordering (`kind`). */
export interface CursorCodec<K> {
  encode(key: K, kind: string): string;
  decode(cursor: string, kind: string, argumentName: string): K;
}

/** Relay arguments read for a keyset list: the page for the service, and the connection of what it returns. */
export interface RelayPage<K> {
  page: KeysetPage<K>;
  connection: <T>(result: RowsPage<T>, keyOf: (row: T) => K) => ConnectionResult<T>;
}

/**
 * Relay's arguments become a plain keyset page (the cursor decoded and checked against the list's
 * `kind`), and the rows a service returns for it become the connection, cursors encoded the same way.
 */
export function relayPage<K>(args: ConnectionArgs, codec: CursorCodec<K>, kind: string): RelayPage<K> {
  const request = toPageRequest(args);
  const after = request.cursor ? codec.decode(request.cursor, kind, request.cursorArgument) : null;
  return {
    page: { limit: request.limit, backward: request.direction === 'backward', after },
    connection: (result, keyOf) => buildConnection(result.rows, request, (row) => codec.encode(keyOf(row), kind), result.total),
  };
}

function memoize<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
}

/** The connection and edge object types for one node type, with descriptions. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, nodeName: string, plural: string) {
  @CacheHint(CACHE_SECONDS.catalog)
  @ObjectType(`${nodeName}Edge`, { simpleResolvers: true, description: `One ${nodeName} in a list, with its cursor.` })
  class Edge {
    @Field({ description: 'Opaque cursor of this edge: pass it as `after` or `before`.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${nodeName}.` })
    node!: T;
  }

  @CacheHint(CACHE_SECONDS.catalog)
  @ObjectType(`${nodeName}Connection`, { simpleResolvers: true, description: `A page of ${plural} (Relay cursor connection).` })
  class Connection {
    @Field(() => [Edge], { description: `The ${plural} on this page, in list order.` })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Cursors and whether more pages exist.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: `How many ${plural} the whole list holds, across all pages (costs one more query).` })
    totalCount!: number;
  }

  return Connection;
}
