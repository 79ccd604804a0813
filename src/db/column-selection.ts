/**
 * Selection-driven columns: a read model's GraphQL fields mapped to the SQL that produces them, so
 * a hot query fetches only what the client selected (a sidebar needs a headline and a title, not
 * every column of three tables). Records built this way hold only the selected fields and must
 * not be shared through a loader cache, where another selection could read a missing field.
 */
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
