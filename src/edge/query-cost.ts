import {
  getNamedType,
  getNullableType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  OperationTypeNode,
  valueFromASTUntyped,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../graphql/relay/connection';

/**
 * The cost model, in points. It prices what the server does for an operation, the way it does it:
 * every relation is fetched by a loader (or the root query) in ONE statement for all the parents
 * of a page (nested connections too: one LATERAL statement per page size), so a relation costs one
 * statement per place it is selected, plus one point per object it can return. Nothing multiplies
 * a statement by its parents (that would assume one query per parent, N+1, which no resolver
 * does); rows multiply, because they are really returned: 100 items × 3 authors × 100 articles
 * each is 30,000 rows.
 */
export const QUERY_COST = {
  /** One statement (a root query, a loader's batch, a nested page's LATERAL query, a `totalCount`). */
  statement: 10,
  /** One object returned (a row: an item, an article, a person, a source, a mention). */
  row: 1,
  /**
   * Objects a plain list field is counted for per parent (it has no `first`): the byline's authors
   * (1-3 in the demo data, rarely more), the people an article names, the outlets it cites, and
   * provenance revisions (capped at 100 by the resolver). Any other plain list of objects: `list`.
   */
  listItems: { 'Article.authors': 3, 'Article.mentions': 5, 'Article.citedSources': 3, 'ArticleProvenance.revisions': 100 } as Record<string, number>,
  list: 10,
} as const;

/**
 * What an operation costs (QUERY_COST): the per-operation limit (GRAPHQL_MAX_COST, refused with
 * QUERY_TOO_COMPLEX before anything runs) and the charge against the caller's token bucket are
 * both this number, on every path (Apollo's, the compiled one, subscriptions).
 *
 * - A field returning objects: one statement, plus one row per object: its parent's rows times 1
 *   (a to-one relation), times the page size (a connection: `first`/`last`, default 20, capped at
 *   100 as the resolvers cap it), times QUERY_COST.listItems (a plain list), or times the
 *   representations given (federation's `_entities`).
 * - `totalCount` of a connection: one statement (a count). `edges`, `node`, `pageInfo`, `cursor`
 *   and scalars: nothing (they come with the rows). Introspection and `__typename`: nothing.
 * - Aliases are separate fields, so 15 aliases of a field cost 15 times the field. Never less than 1.
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> | undefined,
): number {
  const root = operation.operation === OperationTypeNode.MUTATION ? schema.getMutationType() : operation.operation === OperationTypeNode.SUBSCRIPTION ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return 1;
  // A variable not given takes its default, as execution does (`$sidebar: Int = 20`).
  const values: Record<string, unknown> = { ...(variables ?? {}) };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (values[name] === undefined && definition.defaultValue) values[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return Math.max(1, selectionCost(schema, operation.selectionSet, root, 1, fragments, values, new Set()));
}

/**
 * The cost of the operation `operationName` (or the document's only one) of a document, with these
 * variables: what any transport (HTTP, compiled, subscriptions) charges and limits. Null when the
 * document names no such operation.
 */
export function documentCost(schema: GraphQLSchema, document: DocumentNode, variables?: Record<string, unknown> | null, operationName?: string | null): number | null {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return null;
  return operationCost(schema, operation, documentFragments(document), variables ?? undefined);
}

/** A document's fragments by name. */
export function documentFragments(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return fragments;
}

/** The refusal of an operation over the per-operation limit (the message armor's rule used to give). */
export function costLimitMessage(maxCost: number, cost: number): string {
  return `Query Cost limit of ${maxCost} exceeded, found ${cost}.`;
}

function selectionCost(
  schema: GraphQLSchema,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  parentRows: number,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  spreading: ReadonlySet<string>,
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
      if (type && isCompositeType(type)) total += selectionCost(schema, selection.selectionSet, type, parentRows, fragments, variables, spreading);
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = fragments[name];
      const type = fragment && schema.getType(fragment.typeCondition.name.value);
      // A fragment cycle is a validation error; never loop on one.
      if (fragment && type && isCompositeType(type) && !spreading.has(name)) {
        total += selectionCost(schema, fragment.selectionSet, type, parentRows, fragments, variables, new Set([...spreading, name]));
      }
      continue;
    }
    const name = selection.name.value;
    if (name.startsWith('__')) continue;
    if (!(isObjectType(parent) || isInterfaceType(parent))) continue;
    const field = parent.getFields()[name];
    if (!field) continue;
    const type = getNamedType(field.type);
    if (!isCompositeType(type)) {
      if (name === 'totalCount' && parent.name.endsWith('Connection')) total += QUERY_COST.statement;
      continue;
    }
    if (!selection.selectionSet) continue;
    const args = selection.arguments ?? [];
    // The Relay wrappers hold what their connection fetched: its rows, no statement of their own.
    if (type.name.endsWith('Edge') || (parent.name.endsWith('Edge') && name === 'node')) {
      total += selectionCost(schema, selection.selectionSet, type, parentRows, fragments, variables, spreading);
      continue;
    }
    if (type.name === 'PageInfo') continue;
    let perParent = 1;
    if (name === '_entities' && parent === schema.getQueryType()) perParent = listLength(args, 'representations', variables);
    else if (type.name.endsWith('Connection')) perParent = pageSize(args, variables);
    else if (isListType(getNullableType(field.type))) perParent = QUERY_COST.listItems[`${parent.name}.${name}`] ?? QUERY_COST.list;
    const rows = parentRows * perParent;
    total += QUERY_COST.statement + rows * QUERY_COST.row + selectionCost(schema, selection.selectionSet, type, rows, fragments, variables, spreading);
  }
  return total;
}

/** Items of a list argument (a literal or a variable's value; 1 when it is neither a list nor given). */
function listLength(args: readonly ArgumentNode[], name: string, variables: Record<string, unknown>): number {
  const arg = args.find((a) => a.name.value === name);
  if (!arg) return 1;
  if (arg.value.kind === Kind.LIST) return arg.value.values.length;
  if (arg.value.kind === Kind.VARIABLE) {
    const value = variables[arg.value.name.value];
    return Array.isArray(value) ? value.length : 1;
  }
  return 1;
}

function pageSize(args: readonly ArgumentNode[], variables: Record<string, unknown>): number {
  for (const name of ['first', 'last']) {
    const arg = args.find((a) => a.name.value === name);
    if (!arg) continue;
    const value = valueFromASTUntyped(arg.value, variables);
    if (typeof value === 'number' && Number.isFinite(value)) return Math.min(Math.max(Math.trunc(value), 0), MAX_PAGE_SIZE);
  }
  return DEFAULT_PAGE_SIZE;
}
