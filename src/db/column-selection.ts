/**
 * One definition per table of what reads return: each field of the read record, the column it
 * comes from and its type (taken from the TypeORM entity, so the two cannot drift apart). The
 * record type, the full SELECT list, the selection-driven SELECT list, the JSON object of a joined
 * row and the column names of writes are all derived from it: adding a column is one line here
 * (plus its entity property and migration), and the compiler points at every record built without it.
 *
 * Selection-driven columns: a hot query fetches only the fields the client selected (a sidebar
 * needs a headline and a title, not every column of three tables). Records built this way hold
 * only the selected fields and must not be shared through a loader cache, where another selection
 * could read a missing field.
 */

/** A field of a read record: the entity property it reads (its type) and whether reads always fetch it. */
export interface ColumnSpec<E, P extends keyof E = keyof E> {
  readonly property: P;
  /** The column's SQL name (snake case). */
  readonly column: string;
  /** Always fetched by selection-driven reads: ids, keys and sort keys. */
  readonly required: boolean;
}

export interface Table<E, C extends Record<string, ColumnSpec<E>>> {
  /** The table's name. */
  readonly name: string;
  /** The alias every statement gives the table (`a` for article). */
  readonly alias: string;
  readonly columns: C;
  /** Every field: `a.id AS "dbId", a.source_id AS "sourceId", a.slug, …` (a bare column when the names agree). */
  readonly selectList: string;
  /** The selection-driven form (see selectColumns). */
  readonly map: ColumnMap;
  /** `alias.column` of a field. */
  sql(field: keyof C & string): string;
}

/** The read record a table definition describes: each field typed as its entity property. */
export type RecordOf<T> = T extends Table<infer E, infer C> ? { -readonly [K in keyof C]: C[K] extends ColumnSpec<E, infer P> ? E[P] : never } : never;

/**
 * Declares a table's read fields against its entity: `defineTable<ArticleEntity>()('article', 'a',
 * { dbId: column('id', 'id', { required: true }), … })`. The fields' order is the SELECT list's.
 */
export function defineTable<E>() {
  return <const C extends Record<string, ColumnSpec<E>>>(name: string, alias: string, columns: C): Table<E, C> => {
    const required: Record<string, string> = {};
    const optional: Record<string, string> = {};
    const list: string[] = [];
    for (const [field, spec] of Object.entries(columns)) {
      const expression = `${alias}.${spec.column}`;
      (spec.required ? required : optional)[field] = expression;
      list.push(field === spec.column ? expression : `${expression} AS "${field}"`);
    }
    return {
      name,
      alias,
      columns,
      selectList: list.join(', '),
      map: { required, optional },
      sql: (field) => `${alias}.${columns[field]!.column}`,
    };
  };
}

/** A field reading entity property `property` from column `column`. */
function column<E, P extends keyof E>(property: P, column: string, options: { required?: boolean } = {}): ColumnSpec<E, P> {
  return { property, column, required: options.required ?? false };
}

/** A column helper bound to one entity, so the property names are checked against it. */
export function columnsOf<E>() {
  return <P extends keyof E>(property: P, sqlName: string, options?: { required?: boolean }): ColumnSpec<E, P> => column<E, P>(property, sqlName, options);
}

/** `json_build_object('dbId', s.id, 'slug', s.slug, …)`: a joined row as one JSON value of the record's shape. */
export function jsonObject<E, C extends Record<string, ColumnSpec<E>>>(table: Table<E, C>): string {
  const pairs = Object.entries(table.columns).map(([field, spec]) => `'${field}', ${table.alias}.${spec.column}`);
  return `json_build_object(${pairs.join(', ')})`;
}

export interface ColumnMap {
  /** Always fetched: ids, keys and the cursor's sort key. */
  required: Record<string, string>;
  /** Fetched when the GraphQL field of the same name is selected. */
  optional: Record<string, string>;
}

/** `expr AS "prefix.field"` for the required fields and the selected ones, in a stable order. */
export function selectColumns(map: ColumnMap, selected: ReadonlySet<string> | 'all', prefix: string): string {
  const columns: string[] = [];
  for (const [field, expression] of Object.entries(map.required)) columns.push(`${expression} AS "${prefix}${field}"`);
  for (const [field, expression] of Object.entries(map.optional)) {
    if (selected === 'all' || selected.has(field)) columns.push(`${expression} AS "${prefix}${field}"`);
  }
  return columns.join(', ');
}

/** Whether a selection covers every optional column (the record is then complete). */
export function coversAll(map: ColumnMap, selected: ReadonlySet<string>): boolean {
  return Object.keys(map.optional).every((field) => selected.has(field));
}

/** Splits a joined row's `prefix.field` keys off into a record of their own (the rest stays in `rest`). */
export function splitPrefixed(row: Record<string, unknown>, prefixes: readonly string[]): { rest: Record<string, unknown>; parts: Record<string, Record<string, unknown>> } {
  const rest: Record<string, unknown> = {};
  const parts: Record<string, Record<string, unknown>> = {};
  for (const prefix of prefixes) parts[prefix] = {};
  for (const key in row) {
    const dot = key.indexOf('.');
    const part = dot > 0 ? parts[key.slice(0, dot)] : undefined;
    if (part) part[key.slice(dot + 1)] = row[key];
    else rest[key] = row[key];
  }
  return { rest, parts };
}

/** A column a write stores: the entity property it holds (its type), its SQL name and its SQL type. */
export interface WriteColumn<E, P extends keyof E = keyof E> {
  readonly property: P;
  readonly column: string;
  /** The SQL type, for casts and unnest() arrays (`uuid`, `text`, `text[]`, `timestamptz`). */
  readonly type: string;
}

/**
 * Declares the columns a table's writes store, in the order statements list them, against the
 * entity: `defineWrites<ArticleEntity>()({ sourceId: w('sourceId', 'source_id', 'uuid'), … })`.
 */
export function defineWrites<E>() {
  return <const C extends Record<string, WriteColumn<E>>>(columns: C): C => columns;
}

/** A write column helper bound to one entity, so the property names are checked against it. */
export function writeColumnsOf<E>() {
  return <P extends keyof E>(property: P, column: string, type: string): WriteColumn<E, P> => ({ property, column, type });
}

/** The values a write stores: each field typed as its entity property. */
export type WriteRecordOf<C> = { -readonly [K in keyof C]: C[K] extends WriteColumn<infer E, infer P> ? E[P] : never };
