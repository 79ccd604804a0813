import type { SqlParams } from './sql-params';

/** (publishedAt, id): articles. */
export interface TimeIdKey {
  publishedAt: Date;
  id: string;
}

/** (rank, publishedAt, id): a search's articles, best matches first (rank only in ranked lists). */
export interface RankedTimeIdKey extends TimeIdKey {
  rank?: number;
}

/** (publishedAt, position, id): feed items, where equal dates keep page order. */
export interface TimePositionIdKey extends TimeIdKey {
  position: number;
}

/** (name, id): sources and people, listed alphabetically. */
export interface NameIdKey {
  name: string;
  id: string;
}

/**
 * One page of a keyset-ordered list, as repositories take it: how many rows (one more is read, to
 * tell whether another page follows), which way, and the sort key of the row to continue after.
 */
export interface KeysetPage<K> {
  limit: number;
  /** Read against the list's order (Relay `last`/`before`); the caller flips the rows back. */
  backward: boolean;
  after: K | null;
}

/** A column of a keyset order: its SQL, its direction reading forward, and the cast of its parameter. */
export interface KeysetColumn<K> {
  sql: string;
  descending: boolean;
  cast: string;
  value: (key: K) => unknown;
}

/**
 * The ORDER BY and the condition "after this key" of a keyset order, written once for every list.
 * Reading backward reverses every column. Columns in a row with the same direction compare as a
 * row (`(a.published_at, a.id) < ($1, $2)`, which an index on them serves); a change of direction
 * cannot be one row comparison, so the condition is spelled out: `(c1 < $1 OR (c1 = $1 AND …))`.
 */
export function keysetClauses<K>(columns: readonly KeysetColumn<K>[], page: KeysetPage<K>, params: SqlParams): { keyset: string | null; orderBy: string } {
  const descending = (column: KeysetColumn<K>) => column.descending !== page.backward;
  const orderBy = columns.map((column) => `${column.sql} ${descending(column) ? 'DESC' : 'ASC'}`).join(', ');
  if (!page.after) return { keyset: null, orderBy };
  const after = page.after;
  const values = columns.map((column) => params.add(column.value(after), column.cast));
  // Runs of columns read in the same direction.
  const runs: Array<{ columns: string[]; values: string[]; descending: boolean }> = [];
  columns.forEach((column, i) => {
    const last = runs[runs.length - 1];
    if (last && last.descending === descending(column)) {
      last.columns.push(column.sql);
      last.values.push(values[i]!);
    } else {
      runs.push({ columns: [column.sql], values: [values[i]!], descending: descending(column) });
    }
  });
  const row = (items: string[]) => (items.length === 1 ? items[0]! : `(${items.join(', ')})`);
  const condition = (from: number): string => {
    const run = runs[from]!;
    const compare = `${row(run.columns)} ${run.descending ? '<' : '>'} ${row(run.values)}`;
    if (from === runs.length - 1) return compare;
    return `(${compare} OR (${row(run.columns)} = ${row(run.values)} AND ${condition(from + 1)}))`;
  };
  return { keyset: condition(0), orderBy };
}

/**
 * One keyset page of rows for many parents in one statement: `SELECT k.parent_id AS "parentId",
 * x.* FROM unnest(ids) CROSS JOIN LATERAL (the page of one parent) x`, which keeps nested lists
 * (`sources { articles(first: 5) }`) at one statement however many parents are listed. `page`
 * writes the inner statement, given the parent id's SQL and the conditions to add to its own.
 */
export function lateralPageSql(parentIds: readonly string[], params: SqlParams, page: (parentId: string) => string): string {
  const ids = params.add(parentIds, 'uuid[]');
  return `SELECT k.parent_id AS "parentId", x.* FROM unnest(${ids}) AS k(parent_id)
      CROSS JOIN LATERAL (${page('k.parent_id')}) x`;
}

/** A page as services return it: the rows read (limit + 1) and the list's total, counted only when asked for. */
export interface RowsPage<T> {
  rows: T[];
  total: () => Promise<number>;
}
