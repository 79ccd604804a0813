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
 * Postgres (json_build_object, json_agg), the way PostGraphile does: no entity hydration, no
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

/** Max pairs of one json_build_object (Postgres takes at most 100 arguments). */
const MAX_OBJECT_KEYS = 50;

/** DateTime as graphql-scalars writes a Date: Date#toISOString, milliseconds and `Z`. */
function isoTimestamp(expression: string): string {
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
    if (nullable.name === 'DateTime') return isoTimestamp(expression);
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

/** The JSON object of one row of `type` (alias `row`), with exactly the selected keys in order. */
function objectSql(state: CompileState, type: GraphQLObjectType, nodes: readonly FieldNode[], row: string): string {
  const description = descriptionOf(state, type);
  const pairs: string[] = [];
  for (const [key, fieldNodes] of collectFields(state, type, subSelections(nodes))) {
    const name = fieldNodes[0]!.name.value;
    if (fieldNodes.some((node) => node.arguments && node.arguments.length > 0)) throw new Unsupported('field arguments');
    if (name === '__typename') {
      pairs.push(`${quote(key)}, ${quote(type.name)}`);
      continue;
    }
    const field = fieldOf(type, name);
    const column = description.columns[name];
    const one = description.one?.[name];
    const many = description.many?.[name];
    if (name === 'id' && description.node) {
      pairs.push(`${quote(key)}, ${globalIdSql(description.node, `${row}.id`)}`);
    } else if (column) {
      if (!isLeafType(getNamedType(field.type))) throw new Unsupported(`${type.name}.${name}`);
      pairs.push(`${quote(key)}, ${leafSql(field.type, `${row}.${column.column}`)}`);
    } else if (one) {
      const target = objectTypeOf(state, field.type, one.type);
      const alias = `t${++state.aliases}`;
      const inner = objectSql(state, target, fieldNodes, alias);
      pairs.push(`${quote(key)}, (SELECT ${inner} FROM ${one.table} ${alias} WHERE ${alias}.id = ${row}.${one.foreignKey})`);
    } else if (many) {
      const nullable = getNullableType(field.type);
      if (!isListType(nullable)) throw new Unsupported(`${type.name}.${name}`);
      const target = objectTypeOf(state, nullable.ofType, many.type);
      const alias = `t${++state.aliases}`;
      const inner = objectSql(state, target, fieldNodes, alias);
      const { from, orderBy } = many.rows(row, alias);
      pairs.push(`${quote(key)}, COALESCE((SELECT json_agg(${inner} ORDER BY ${orderBy}) FROM ${from}), '[]'::json)`);
    } else {
      throw new Unsupported(`${type.name}.${name}`);
    }
  }
  return `json_build_object(${pairs.join(', ')})`;
}

/** A root field's value for the rows its arguments chose: built per request from SQL compiled once. */
type RootSql = (rows: RootRows) => string;

const PAGE_ROW = 't0';

/** `edges { cursor node }`, `pageInfo`, `totalCount` of a connection over the page's numbered rows. */
function connectionSql(state: CompileState, connection: GraphQLObjectType, nodes: readonly FieldNode[], nodeType: string): RootSql {
  type Part = (rows: ConnectionRows) => string;
  const parts: Array<{ key: string; sql: Part }> = [];
  const onPage = (rows: ConnectionRows) => `FILTER (WHERE ${PAGE_ROW}.n_ <= ${rows.limit})`;
  for (const [key, fieldNodes] of collectFields(state, connection, subSelections(nodes))) {
    const name = fieldNodes[0]!.name.value;
    if (fieldNodes.some((node) => node.arguments && node.arguments.length > 0)) throw new Unsupported('field arguments');
    if (name === '__typename') {
      parts.push({ key, sql: () => quote(connection.name) });
    } else if (name === 'totalCount') {
      parts.push({ key, sql: (rows) => `(${rows.count})` });
    } else if (name === 'edges') {
      const edgeType = objectTypeOf(state, fieldOf(connection, name).type);
      const edgeParts: Array<{ key: string; sql: Part }> = [];
      for (const [edgeKey, edgeNodes] of collectFields(state, edgeType, subSelections(fieldNodes))) {
        const edgeField = edgeNodes[0]!.name.value;
        if (edgeNodes.some((node) => node.arguments && node.arguments.length > 0)) throw new Unsupported('field arguments');
        if (edgeField === '__typename') edgeParts.push({ key: edgeKey, sql: () => quote(edgeType.name) });
        else if (edgeField === 'cursor') edgeParts.push({ key: edgeKey, sql: (rows) => rows.cursor(PAGE_ROW) });
        else if (edgeField === 'node') {
          const node = objectSql(state, objectTypeOf(state, fieldOf(edgeType, 'node').type, nodeType), edgeNodes, PAGE_ROW);
          edgeParts.push({ key: edgeKey, sql: () => node });
        } else throw new Unsupported(`${edgeType.name}.${edgeField}`);
      }
      parts.push({
        key,
        sql: (rows) => `COALESCE(json_agg(${pairsSql(edgeParts, rows)} ORDER BY ${PAGE_ROW}.n_) ${onPage(rows)}, '[]'::json)`,
      });
    } else if (name === 'pageInfo') {
      const pageInfoType = objectTypeOf(state, fieldOf(connection, name).type);
      const infoParts: Array<{ key: string; sql: Part }> = [];
      for (const [infoKey, infoNodes] of collectFields(state, pageInfoType, subSelections(fieldNodes))) {
        const infoField = infoNodes[0]!.name.value;
        const sql: Part | undefined = {
          __typename: () => quote(pageInfoType.name),
          hasNextPage: (rows: ConnectionRows) => `count(*) > ${rows.limit}`,
          hasPreviousPage: (rows: ConnectionRows) => String(rows.hasPreviousPage),
          startCursor: (rows: ConnectionRows) => `(array_agg(${rows.cursor(PAGE_ROW)} ORDER BY ${PAGE_ROW}.n_) ${onPage(rows)})[1]`,
          endCursor: (rows: ConnectionRows) => `(array_agg(${rows.cursor(PAGE_ROW)} ORDER BY ${PAGE_ROW}.n_ DESC) ${onPage(rows)})[1]`,
        }[infoField];
        if (!sql || infoNodes.some((node) => node.arguments && node.arguments.length > 0)) throw new Unsupported(`${pageInfoType.name}.${infoField}`);
        infoParts.push({ key: infoKey, sql });
      }
      parts.push({ key, sql: (rows) => pairsSql(infoParts, rows) });
    } else {
      throw new Unsupported(`${connection.name}.${name}`);
    }
  }
  return (rows) => {
    if (rows.kind !== 'connection') throw new Unsupported('rows');
    const numbered = `SELECT r.*, row_number() OVER (ORDER BY ${rows.orderBy('r')}) AS n_ FROM (${rows.select}) r`;
    return `(SELECT ${pairsSql(parts, rows)} FROM (${numbered}) ${PAGE_ROW})`;
  };
}

function pairsSql<R>(parts: ReadonlyArray<{ key: string; sql: (rows: R) => string }>, rows: R): string {
  return `json_build_object(${parts.map((part) => `${quote(part.key)}, ${part.sql(rows)}`).join(', ')})`;
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
        const pairs = this.roots.map((root, i) => `${quote(root.key)}, ${root.sql(rows[i] ?? { kind: 'one', select: '' })}`);
        return `SELECT json_build_object(${pairs.join(', ')})::text AS data`;
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
      const object = objectSql(state, returned, nodes, PAGE_ROW);
      sql = (rows) => `(SELECT ${object} FROM (${rows.select}) ${PAGE_ROW})`;
    } else {
      sql = connectionSql(state, returned, nodes, root.type);
    }
    roots.push({ key, field, node: nodes[0]!, rows: (args, params) => root.rows(args, params), sql });
  }
  return new CompiledOperation(operation, roots);
}
