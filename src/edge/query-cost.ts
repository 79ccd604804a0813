import {
  getNamedType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  Kind,
  OperationTypeNode,
  valueFromASTUntyped,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../graphql/relay/connection';

/**
 * What an operation is charged against its caller's bucket: the number of objects it may return.
 * Every object-valued field costs 1 for each parent it is read on; a connection multiplies what it
 * selects by its page size (`first`/`last`, default 20, capped at 100 as the resolvers cap it);
 * scalars and the Relay wrappers (edges, pageInfo) are free. So 15 aliases of one field cost 15
 * times that field, and a 100-item page costs five times a 20-item one. Apollo Federation's
 * `_entities` costs what it selects once per representation it is given. Never less than 1.
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> | undefined,
): number {
  const root = operation.operation === OperationTypeNode.MUTATION ? schema.getMutationType() : operation.operation === OperationTypeNode.SUBSCRIPTION ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return 1;
  return Math.max(1, selectionCost(schema, operation.selectionSet, root, fragments, variables ?? {}));
}

function selectionCost(
  schema: GraphQLSchema,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
      if (type && isCompositeType(type)) total += selectionCost(schema, selection.selectionSet, type, fragments, variables);
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments[selection.name.value];
      const type = fragment && schema.getType(fragment.typeCondition.name.value);
      if (fragment && type && isCompositeType(type)) total += selectionCost(schema, fragment.selectionSet, type, fragments, variables);
      continue;
    }
    if (!(isObjectType(parent) || isInterfaceType(parent))) continue;
    const field = parent.getFields()[selection.name.value];
    if (!field || !selection.selectionSet) continue;
    const type = getNamedType(field.type);
    if (!isCompositeType(type)) continue;
    const children = selectionCost(schema, selection.selectionSet, type, fragments, variables);
    if (selection.name.value === '_entities' && parent === schema.getQueryType()) {
      total += listLength(selection.arguments ?? [], 'representations', variables) * (1 + children);
    } else if (type.name.endsWith('Connection')) {
      total += 1 + pageSize(selection.arguments ?? [], variables) * children;
    } else if (type.name.endsWith('Edge') || type.name === 'PageInfo') {
      total += children;
    } else {
      total += 1 + children;
    }
  }
  return total;
}

/** Items of a list argument (a literal or a variable's value; 1 when it is neither a list nor given). */
function listLength(args: readonly import('graphql').ArgumentNode[], name: string, variables: Record<string, unknown>): number {
  const arg = args.find((a) => a.name.value === name);
  if (!arg) return 1;
  if (arg.value.kind === Kind.LIST) return arg.value.values.length;
  if (arg.value.kind === Kind.VARIABLE) {
    const value = variables[arg.value.name.value];
    return Array.isArray(value) ? value.length : 1;
  }
  return 1;
}

function pageSize(args: readonly import('graphql').ArgumentNode[], variables: Record<string, unknown>): number {
  for (const name of ['first', 'last']) {
    const arg = args.find((a) => a.name.value === name);
    if (!arg) continue;
    const value = valueFromASTUntyped(arg.value, variables);
    if (typeof value === 'number' && Number.isFinite(value)) return Math.min(Math.max(Math.trunc(value), 0), MAX_PAGE_SIZE);
  }
  return DEFAULT_PAGE_SIZE;
}
