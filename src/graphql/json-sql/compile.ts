import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  type GraphQLEnumType,
  type GraphQLObjectType,
  isEnumType,
  isLeafType,
  isListType,
  isObjectType,
  isScalarType,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { SqlParams } from '../../db/sql-params';
import type { ConnectionRows, JsonSqlSchema, JsonSqlType, RootRows } from './json-sql.types';

/**
 * Compiles a query operation into one SQL statement that builds its whole `data` object in
 * Postgres (row_to_json, array_agg), the way PostGraphile does: no entity hydration, no
 * per-field resolver calls, one round trip, and the text passed to the client as it comes.
 *
 * It compiles only what it knows it answers exactly as the resolvers do: the types and root fields
 * a JsonSqlSchema describes, plain fields (no directives, no arguments below the root), fragments
 * on the type itself or an interface it implements. Anything else throws Unsupported at compile
 * time and the operation stays on Apollo's path. The statement's shape (its SQL) is fixed per
 * document except for what the root fields' arguments decide (a literal LIMIT, a cursor condition),
 * so each shape is prepared once per connection.
 */

/** What the compiled path does not answer: the operation runs through Apollo instead. */
export class Unsupported extends Error {}

/** JSON object keys come from GraphQL names ([_A-Za-z][_0-9A-Za-z]*), safe to quote as SQL literals. */
const quote = (name: string) => `'${name}'`;

/** Most keys one object may have here (a bound on the statement's size, not a Postgres limit). */
const MAX_OBJECT_KEYS = 50;

/** DateTime as graphql-scalars writes a Date: Date#toISOString, milliseconds and `Z`. */
export function isoTimestampSql(expression: string): string {
  return `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** base64(`Type:uuid`), toGlobalId's encoding (the text is ASCII and short: no line breaks). */
function globalIdSql(typeName: string, expression: string): string {
  return `encode(convert_to('${typeName}:' || ${expression}::text, 'UTF8'), 'base64')`;
}

/** An enum column: its stored value becomes the GraphQL name (the schema's own value → name map). */
function enumSql(type: GraphQLEnumType, expression: string): string {
  const cases = type
    .getValues()
    .map((value) => {
      if (typeof value.value !== 'string' || !/^[A-Za-z0-9_.-]*$/.test(value.value)) throw new Unsupported(`enum ${type.name}`);
      return `WHEN '${value.value}' THEN '${value.name}'`;
    })
    .join(' ');
  return `CASE ${expression} ${cases} END`;
}

/** A leaf column as the JSON value the field's type serializes to. */
function leafSql(type: GraphQLOutputType, expression: string): string {
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const item = getNullableType(nullable.ofType);
    if (isScalarType(item) && (item.name === 'String' || item.name === 'Int')) return expression;
    throw new Unsupported('list of non-text leaves');
  }
  if (isEnumType(nullable)) return enumSql(nullable, expression);
  if (isScalarType(nullable)) {
    if (nullable.name === 'DateTime') return isoTimestampSql(expression);
    if (['String', 'Int', 'Float', 'Boolean'].includes(nullable.name)) return expression;
  }
  throw new Unsupported(`leaf type ${String(type)}`);
}

type FieldsByKey = Map<string, FieldNode[]>;

interface CompileState {
  schema: GraphQLSchema;
  jsonSql: JsonSqlSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  aliases: number;
}

/** The fields of selection sets on `type`, by response key, fragments flattened (graphql-js's CollectFields). */
function collectFields(state: CompileState, type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[], into: FieldsByKey = new Map(), visiting = new Set<string>()): FieldsByKey {
  const applies = (typeName: string | undefined) => {
    if (typeName === undefined || typeName === type.name) return true;
    const condition = state.schema.getType(typeName);
    return condition !== undefined && !isObjectType(condition) && type.getInterfaces().some((i) => i.name === typeName);
  };
  for (const selectionSet of selectionSets) {
    for (const selection of selectionSet.selections) {
      if (selection.directives && selection.directives.length > 0) throw new Unsupported('directives');
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const list = into.get(key);
        if (list) list.push(selection);
        else into.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!applies(selection.typeCondition?.name.value)) throw new Unsupported('fragment on another type');
        collectFields(state, type, [selection.selectionSet], into, visiting);
      } else {
        const fragment = state.fragments.get(selection.name.value);
        if (!fragment || visiting.has(fragment.name.value)) throw new Unsupported('fragment');
        if (fragment.directives && fragment.directives.length > 0) throw new Unsupported('directives');
        if (!applies(fragment.typeCondition.name.value)) throw new Unsupported('fragment on another type');
        visiting.add(fragment.name.value);
        collectFields(state, type, [fragment.selectionSet], into, visiting);
        visiting.delete(fragment.name.value);
      }
    }
  }
  if (into.size > MAX_OBJECT_KEYS) throw new Unsupported('too many fields');
  return into;
}

function subSelections(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
}

function fieldOf(type: GraphQLObjectType, name: string): GraphQLField<unknown, unknown> {
  const field = type.getFields()[name];
  if (!field) throw new Unsupported(`${type.name}.${name}`);
  return field;
}

function objectTypeOf(state: CompileState, type: GraphQLOutputType, expected?: string): GraphQLObjectType {
  const named = getNamedType(type);
  if (!isObjectType(named) || (expected !== undefined && named.name !== expected)) throw new Unsupported(`type ${String(type)}`);
  return named;
}

function descriptionOf(state: CompileState, type: GraphQLObjectType): JsonSqlType {
  const description = state.jsonSql.types[type.name];
  if (!description) throw new Unsupported(`type ${type.name}`);
  return description;
}

/** A select-list entry: the value under its response key (a GraphQL name: safe to double-quote). */
const column = (expression: string, key: string) => `${expression} AS "${key}"`;

/**
 * A JSON object of select-list entries, keys in their order. row_to_json over a subquery writes JSON
 * as JSON.stringify does (json_build_object and json_agg put spaces after every `:` and `,`).
 */
const jsonObject = (entries: readonly string[], from = '') => `(SELECT row_to_json(j) FROM (SELECT ${entries.join(', ')}${from}) j)`;

/** A JSON array of the rows of `select` (`[]` when none), in its order, compact like jsonObject. */
const jsonArray = (select: string) => `(SELECT coalesce(array_to_json(array_agg(row_to_json(j))), '[]'::json) FROM (${select}) j)`;

/**
 * The select-list entries of one row of `type` (alias `row`): exactly the selected keys, in order.
 *
 * A relation of one is read through a LEFT JOIN added to `joins` when the caller can put joins
 * beside `row` in its FROM (the page's rows, a root's row), and through a correlated subquery
 * otherwise (inside a list). The join matters for small tables: Postgres reads a 50-row `source`
 * with a sequential scan per correlated lookup (cheaper by its estimate than the index), 20 such
 * scans per sidebar, where one join hashes it once or probes its index (measured on the bench data:
 * about a fifth of the sidebar statement's Postgres CPU). The page's order is then restored by the
 * aggregate (test/db/compiled-statements.e2e-spec.ts runs the statements with only hash joins).
 */
function objectEntries(state: CompileState, type: GraphQLObjectType, nodes: readonly FieldNode[], row: string, joins: string[] | null): string[] {
  const description = descriptionOf(state, type);
  const entries: string[] = [];
  for (const [key, fieldNodes] of collectFields(state, type, subSelections(nodes))) {
    const name = fieldNodes[0]!.name.value;
    if (fieldNodes.some((node) => node.arguments && node.arguments.length > 0)) throw new Unsupported('field arguments');
    if (name === '__typename') {
      entries.push(column(quote(type.name), key));
      continue;
    }
    const field = fieldOf(type, name);
    const leaf = description.columns[name];
    const one = description.one?.[name];
    const many = description.many?.[name];
    if (name === 'id' && description.node) {
      entries.push(column(globalIdSql(description.node, `${row}.id`), key));
    } else if (leaf) {
      if (!isLeafType(getNamedType(field.type))) throw new Unsupported(`${type.name}.${name}`);
      entries.push(column(leafSql(field.type, `${row}.${leaf.column}`), key));
    } else if (one) {
      const target = objectTypeOf(state, field.type, one.type);
      const alias = `t${++state.aliases}`;
      if (joins) {
        // The joined row (at most one: `id` is the key) or NULLs; its relations of one join too.
        joins.push(`LEFT JOIN ${one.table} ${alias} ON ${alias}.id = ${row}.${one.foreignKey}`);
        const inner = objectEntries(state, target, fieldNodes, alias, joins);
        entries.push(column(`CASE WHEN ${alias}.id IS NULL THEN NULL ELSE ${jsonObject(inner)} END`, key));
      } else {
        const inner = objectEntries(state, target, fieldNodes, alias, null);
        entries.push(column(jsonObject(inner, ` FROM ${one.table} ${alias} WHERE ${alias}.id = ${row}.${one.foreignKey}`), key));
      }
    } else if (many) {
      const nullable = getNullableType(field.type);
      if (!isListType(nullable)) throw new Unsupported(`${type.name}.${name}`);
      const target = objectTypeOf(state, nullable.ofType, many.type);
      const alias = `t${++state.aliases}`;
      // `from` ends with the list's WHERE: nothing can be joined after it, so relations of one
      // inside a list stay correlated subqueries.
      const inner = objectEntries(state, target, fieldNodes, alias, null);
      const { from, orderBy } = many.rows(row, alias);
      // array_agg keeps the order of the sorted subquery it reads (as PostGraphile relies on too).
      entries.push(column(jsonArray(`SELECT ${inner.join(', ')} FROM ${from} ORDER BY ${orderBy}`), key));
    } else {
      throw new Unsupported(`${type.name}.${name}`);
    }
  }
  return entries;
}

/** A root field's value for the rows its arguments chose: built per request from SQL compiled once. */
type RootSql = (rows: RootRows) => string;

const PAGE_ROW = 't0';

/**
 * `edges { cursor node }`, `pageInfo`, `totalCount` of a connection. Without `hasNextPage` and the
 * page's cursors the page is its `limit` rows, each an edge, aggregated in order (the sidebar's
 * statement is then the hand-written floor's shape). With them, limit + 1 rows are numbered in list
 * order, each with its edge object and cursor; one aggregate over them gives the edges (the first
 * `limit`), how many there were (a next page?) and the first and last cursor. The connection object
 * is built from those, keys in the selection's order.
 */
function connectionSql(state: CompileState, connection: GraphQLObjectType, nodes: readonly FieldNode[], nodeType: string): RootSql {
  type Part = (rows: ConnectionRows) => string;
  const parts: Array<{ key: string; sql: Part }> = [];
  let edgeEntries: Array<{ key: string; sql: Part }> = [];
  // Relations of one of the page's nodes, joined to the page's rows.
  const joins: string[] = [];
  let pageInfoCursors = false;
  let pageInfoRowCount = false;
  const onPage = (rows: ConnectionRows) => `FILTER (WHERE e.n_ <= ${rows.limit})`;
  for (const [key, fieldNodes] of collectFields(state, connection, subSelections(nodes))) {
    const name = fieldNodes[0]!.name.value;
    if (fieldNodes.some((node) => node.arguments && node.arguments.length > 0)) throw new Unsupported('field arguments');
    if (name === '__typename') {
      parts.push({ key, sql: () => column(quote(connection.name), key) });
    } else if (name === 'totalCount') {
      parts.push({ key, sql: (rows) => column(`(${rows.count})`, key) });
    } else if (name === 'edges') {
      if (edgeEntries.length > 0) throw new Unsupported('edges twice');
      const edgeType = objectTypeOf(state, fieldOf(connection, name).type);
      for (const [edgeKey, edgeNodes] of collectFields(state, edgeType, subSelections(fieldNodes))) {
        const edgeField = edgeNodes[0]!.name.value;
        if (edgeNodes.some((node) => node.arguments && node.arguments.length > 0)) throw new Unsupported('field arguments');
        if (edgeField === '__typename') edgeEntries.push({ key: edgeKey, sql: () => column(quote(edgeType.name), edgeKey) });
        else if (edgeField === 'cursor') edgeEntries.push({ key: edgeKey, sql: (rows) => column(rows.cursor(PAGE_ROW), edgeKey) });
        else if (edgeField === 'node') {
          const node = jsonObject(objectEntries(state, objectTypeOf(state, fieldOf(edgeType, 'node').type, nodeType), edgeNodes, PAGE_ROW, joins));
          edgeEntries.push({ key: edgeKey, sql: () => column(node, edgeKey) });
        } else throw new Unsupported(`${edgeType.name}.${edgeField}`);
      }
      parts.push({ key, sql: () => column('p.edges', key) });
    } else if (name === 'pageInfo') {
      const pageInfoType = objectTypeOf(state, fieldOf(connection, name).type);
      const infoParts: Part[] = [];
      for (const [infoKey, infoNodes] of collectFields(state, pageInfoType, subSelections(fieldNodes))) {
        const infoField = infoNodes[0]!.name.value;
        const value: Part | undefined = {
          __typename: () => quote(pageInfoType.name),
          hasNextPage: (rows: ConnectionRows) => `p.rows > ${rows.limit}`,
          hasPreviousPage: (rows: ConnectionRows) => String(rows.hasPreviousPage),
          startCursor: () => 'p.start_cursor',
          endCursor: () => 'p.end_cursor',
        }[infoField];
        if (!value || infoNodes.some((node) => node.arguments && node.arguments.length > 0)) throw new Unsupported(`${pageInfoType.name}.${infoField}`);
        if (infoField === 'startCursor' || infoField === 'endCursor') pageInfoCursors = true;
        if (infoField === 'hasNextPage') pageInfoRowCount = true;
        infoParts.push((rows) => column(value(rows), infoKey));
      }
      parts.push({ key, sql: (rows) => column(jsonObject(infoParts.map((part) => part(rows))), key) });
    } else {
      throw new Unsupported(`${connection.name}.${name}`);
    }
  }
  const edges = edgeEntries;
  edgeEntries = [];
  // Only what the selection reads is computed: a cursor per row costs a to_char and a base64.
  const usesRowCount = pageInfoRowCount;
  return (rows) => {
    if (rows.kind !== 'connection') throw new Unsupported('rows');
    if (!Number.isSafeInteger(rows.limit) || rows.limit < 0) throw new RangeError('page limit');
    const edge = edges.length > 0 ? jsonObject(edges.map((entry) => entry.sql(rows))) : `'{}'::json`;
    const joined = joins.map((join) => ` ${join}`).join('');
    let page: string;
    if (!usesRowCount && !pageInfoCursors) {
      // Only the page itself: its rows, each an edge (what a sidebar asks for). A join may return
      // them in another order (a hash join can build on the page), so the aggregate sorts them
      // back into the list's order when there are joins.
      const order = joins.length > 0 ? ` ORDER BY ${rows.orderBy(PAGE_ROW)}` : '';
      page = `SELECT (SELECT coalesce(array_to_json(array_agg(${edge}${order})), '[]'::json) FROM (${rows.select} LIMIT ${rows.limit}) ${PAGE_ROW}${joined}) AS edges`;
    } else {
      // limit + 1 rows, numbered in list order: the extra one only tells whether a next page
      // exists, so no edge is built for it.
      const numbered = `SELECT ${PAGE_ROW}.*, row_number() OVER (ORDER BY ${rows.orderBy(PAGE_ROW)}) AS n_ FROM (${rows.select} LIMIT ${rows.limit + 1}) ${PAGE_ROW}`;
      const perRow = `SELECT ${PAGE_ROW}.n_, CASE WHEN ${PAGE_ROW}.n_ <= ${rows.limit} THEN ${edge} END AS edge${pageInfoCursors ? `, ${rows.cursor(PAGE_ROW)} AS cursor` : ''} FROM (${numbered}) ${PAGE_ROW}${joined}`;
      const aggregates = [`coalesce(array_to_json(array_agg(e.edge ORDER BY e.n_) ${onPage(rows)}), '[]'::json) AS edges`];
      if (usesRowCount) aggregates.push('count(*) AS rows');
      if (pageInfoCursors) {
        aggregates.push(`(array_agg(e.cursor ORDER BY e.n_) ${onPage(rows)})[1] AS start_cursor`, `(array_agg(e.cursor ORDER BY e.n_ DESC) ${onPage(rows)})[1] AS end_cursor`);
      }
      page = `SELECT ${aggregates.join(', ')} FROM (${perRow}) e`;
    }
    return jsonObject(parts.map((part) => part.sql(rows)), ` FROM (${page}) p`);
  };
}

interface CompiledRoot {
  key: string;
  field: GraphQLField<unknown, unknown> | null;
  node: FieldNode;
  rows: ((args: Record<string, unknown>, params: SqlParams) => RootRows) | null;
  sql: RootSql;
}

/**
 * A statement for one request: its shape (the root fields' row SQL and limits: the few forms one
 * document takes), its parameters, and its text, built only when the shape is new.
 */
export interface BoundStatement {
  shape: string;
  values: unknown[];
  text(): string;
}

export class CompiledOperation {
  constructor(
    readonly operation: OperationDefinitionNode,
    private readonly roots: readonly CompiledRoot[],
  ) {}

  /**
   * The statement for one request's (coerced) variables. Throws what a root field throws for its
   * arguments (BAD_USER_INPUT, Decline): the caller then leaves the request to Apollo.
   */
  bind(variables: Record<string, unknown>): BoundStatement {
    const params = new SqlParams();
    const rows = this.roots.map((root) => (root.rows && root.field ? root.rows(getArgumentValues(root.field, root.node, variables), params) : null));
    const shape = rows.map((r) => (r === null ? '' : r.kind === 'one' ? r.select : `${r.select}\u0000${r.count}\u0000${r.limit}\u0000${String(r.hasPreviousPage)}`)).join('\u0001');
    return {
      shape,
      values: params.values,
      text: () => {
        const entries = this.roots.map((root, i) => column(root.sql(rows[i] ?? { kind: 'one', select: '' }), root.key));
        return `SELECT row_to_json(d)::text AS data FROM (SELECT ${entries.join(', ')}) d`;
      },
    };
  }
}

/**
 * Compiles `operationName` (or the document's only operation) of a validated document. Throws
 * Unsupported for anything the compiled path does not answer.
 */
export function compileOperation(schema: GraphQLSchema, jsonSql: JsonSqlSchema, document: DocumentNode, operationName: string | null | undefined): CompiledOperation {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation || operation.operation !== OperationTypeNode.QUERY) throw new Unsupported('not a query');
  if (operation.directives && operation.directives.length > 0) throw new Unsupported('directives');
  const query = schema.getQueryType();
  if (!query) throw new Unsupported('no query type');
  const state: CompileState = { schema, jsonSql, fragments: new Map(), aliases: 0 };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) state.fragments.set(definition.name.value, definition);
  }
  const roots: CompiledRoot[] = [];
  for (const [key, nodes] of collectFields(state, query, [operation.selectionSet])) {
    const name = nodes[0]!.name.value;
    if (name === '__typename') {
      roots.push({ key, field: null, node: nodes[0]!, rows: null, sql: () => quote(query.name) });
      continue;
    }
    const root = jsonSql.roots[name];
    if (!root) throw new Unsupported(`Query.${name}`);
    const field = fieldOf(query, name);
    // Merged root fields must agree on their arguments (validation guarantees it); the first's are read.
    const returned = objectTypeOf(state, field.type);
    let sql: RootSql;
    if (returned.name === root.type) {
      const joins: string[] = [];
      const entries = objectEntries(state, returned, nodes, PAGE_ROW, joins);
      sql = (rows) => jsonObject(entries, ` FROM (${rows.select}) ${PAGE_ROW}${joins.map((join) => ` ${join}`).join('')}`);
    } else {
      sql = connectionSql(state, returned, nodes, root.type);
    }
    roots.push({ key, field, node: nodes[0]!, rows: (args, params) => root.rows(args, params), sql });
  }
  return new CompiledOperation(operation, roots);
}
