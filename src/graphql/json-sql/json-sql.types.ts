import type { SqlParams } from '../../db/sql-params';
import type { NodeTypeName } from '../relay/global-id';

/**
 * How the object types of the read path map onto tables, for the compiled-operation path
 * (compile.ts): one SQL statement per operation that builds the response's JSON in Postgres. Each
 * domain describes its own types (`*.json-sql.ts`); src/api/json-sql.ts assembles them. A field a
 * description leaves out is simply not compiled: operations selecting it run through Apollo.
 */

/** A GraphQL object type read from rows: its leaf columns, its global id, its relations. */
export interface JsonSqlType {
  /** GraphQL field name → column of the row (leaf fields only). */
  readonly columns: Readonly<Record<string, { readonly column: string }>>;
  /** When set, the `id` field is the global ID of this node type, made from the `id` column. */
  readonly node?: NodeTypeName;
  /** To-one relations: the row of `table` whose id is this row's `foreignKey` (null when there is none). */
  readonly one?: Readonly<Record<string, { readonly type: string; readonly table: string; readonly foreignKey: string }>>;
  /**
   * Lists: the rows of `type`, aliased `row`, that belong to the parent row `parent`:
   * `from` is everything after FROM (joins and WHERE included), `orderBy` the list's order.
   */
  readonly many?: Readonly<Record<string, { readonly type: string; rows(parent: string, row: string): { from: string; orderBy: string } }>>;
}

/** The rows a root field reads for one request's arguments. */
export type RootRows = OneRow | ConnectionRows;

/** A nullable single row: `select` returns at most one row of the field's type (every column). */
interface OneRow {
  readonly kind: 'one';
  readonly select: string;
}

/**
 * A forward keyset page: `select` returns the list's rows in order, without a LIMIT; the compiler
 * reads `limit` of them, or `limit + 1` when the selection asks whether a next page exists.
 */
export interface ConnectionRows {
  readonly kind: 'connection';
  readonly select: string;
  readonly limit: number;
  /** The list's order over a row alias (the page's rows are numbered by it). */
  orderBy(row: string): string;
  /** The edge's cursor over a row alias, as the connection's own cursor codec writes it. */
  cursor(row: string): string;
  /** Whether a page before this one exists (forward pages: a cursor was given). */
  readonly hasPreviousPage: boolean;
  /** `SELECT count(*)` of the whole list, for `totalCount`. */
  readonly count: string;
}

/**
 * A root field the compiled path answers. `rows` reads the field's coerced arguments and adds its
 * parameters; it throws (BAD_USER_INPUT, or Decline for what it does not handle) to send the
 * request through Apollo, which answers it as always.
 */
export interface JsonSqlRootField {
  readonly type: string;
  rows(args: Readonly<Record<string, unknown>>, params: SqlParams): RootRows;
}

/** Thrown by a root field for arguments the compiled path leaves to Apollo (a backward page, a URL lookup). */
export class Decline extends Error {}

export interface JsonSqlSchema {
  readonly types: Readonly<Record<string, JsonSqlType>>;
  /** Query fields by name. */
  readonly roots: Readonly<Record<string, JsonSqlRootField>>;
}
