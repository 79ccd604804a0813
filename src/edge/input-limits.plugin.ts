import type { ApolloServerPlugin } from '@apollo/server';
import {
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import { BadUserInputError } from '../common/errors/domain-errors';
import { inputKindOf, inputLengthError, MAX_LIST_ITEMS } from '../common/input-limits';
import { toRequestError } from '../graphql/error-formatter';

/**
 * Every string argument of an operation within its length (src/common/input-limits.ts), written in
 * the document or passed as a variable, at any depth of an input object or list.
 */

function listError(argument: string, where: string): BadUserInputError {
  return new BadUserInputError(`"${argument}" of ${where} has too many items: at most ${MAX_LIST_ITEMS} are accepted.`, {
    argument,
    maxItems: MAX_LIST_ITEMS,
    field: where,
  });
}

/** Where a value sits: the field or directive, the argument path (`filter.search`) and the name that decides its kind. */
interface Position {
  where: string;
  path: string;
  name: string;
}

/** A variable used at a position: its value is only known per request. */
interface VariableUsage {
  variable: string;
  type: GraphQLInputType;
  position: Position;
}

/** What a document needs checked: its literals once, its variables on every request. */
interface DocumentPlan {
  literalError: BadUserInputError | null;
  usages: VariableUsage[];
}

/** A value from a request's variables (JSON) at a position of a given input type. */
function checkValue(value: unknown, type: GraphQLInputType, position: Position): BadUserInputError | null {
  if (value === null || value === undefined) return null;
  if (isNonNullType(type)) return checkValue(value, type.ofType, position);
  if (isListType(type)) {
    if (!Array.isArray(value)) return checkValue(value, type.ofType, position);
    if (value.length > MAX_LIST_ITEMS) return listError(position.path, position.where);
    for (const item of value) {
      const error = checkValue(item, type.ofType, position);
      if (error) return error;
    }
    return null;
  }
  if (isInputObjectType(type)) {
    if (typeof value !== 'object' || Array.isArray(value)) return null;
    const fields = type.getFields();
    for (const [name, field] of Object.entries(fields)) {
      const error = checkValue((value as Record<string, unknown>)[name], field.type, { where: position.where, path: `${position.path}.${name}`, name });
      if (error) return error;
    }
    return null;
  }
  // Any leaf sent as a string is measured, whatever its type: an Int or an enum value sent as
  // 20,000 characters is refused here rather than echoed back by coercion.
  return typeof value === 'string' ? inputLengthError(inputKindOf(position.name), value, position.path, position.where) : null;
}

/** A literal in the document; variables inside it become usages. */
function checkLiteral(node: ValueNode, type: GraphQLInputType, position: Position, usages: VariableUsage[]): BadUserInputError | null {
  if (node.kind === Kind.VARIABLE) {
    usages.push({ variable: node.name.value, type, position });
    return null;
  }
  if (isNonNullType(type)) return checkLiteral(node, type.ofType, position, usages);
  if (isListType(type)) {
    if (node.kind !== Kind.LIST) return checkLiteral(node, type.ofType, position, usages);
    if (node.values.length > MAX_LIST_ITEMS) return listError(position.path, position.where);
    for (const item of node.values) {
      const error = checkLiteral(item, type.ofType, position, usages);
      if (error) return error;
    }
    return null;
  }
  if (isInputObjectType(type)) {
    if (node.kind !== Kind.OBJECT) return null;
    const fields = type.getFields();
    for (const field of node.fields) {
      const definition = fields[field.name.value];
      if (!definition) continue; // validation reports it
      const name = field.name.value;
      const error = checkLiteral(field.value, definition.type, { where: position.where, path: `${position.path}.${name}`, name }, usages);
      if (error) return error;
    }
    return null;
  }
  return node.kind === Kind.STRING ? inputLengthError(inputKindOf(position.name), node.value, position.path, position.where) : null;
}

function planDocument(schema: GraphQLSchema, document: DocumentNode): DocumentPlan {
  const usages: VariableUsage[] = [];
  let literalError: BadUserInputError | null = null;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const argument = typeInfo.getArgument();
        if (!argument || literalError) return false;
        const directive = typeInfo.getDirective();
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const where = directive ? `@${directive.name}` : `${parent?.name ?? '?'}.${field?.name ?? '?'}`;
        literalError = checkLiteral(node.value, argument.type, { where, path: argument.name, name: argument.name }, usages);
        return false;
      },
    }),
  );
  // A variable's default value is a literal too, checked where the variable is used.
  const definitions = new Map<string, VariableDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) definitions.set(variable.variable.name.value, variable);
  }
  for (const usage of usages) {
    const fallback = definitions.get(usage.variable)?.defaultValue;
    if (fallback && !literalError) literalError = checkLiteral(fallback, usage.type, usage.position, []);
  }
  return { literalError, usages };
}

/**
 * The check itself: null when every string argument of the document, with these variables, is
 * within its limit. Plans are kept per parsed document (Apollo keeps documents per query text), so
 * a repeated query costs one walk over its variables.
 */
export class InputLimits {
  private readonly plans = new WeakMap<DocumentNode, DocumentPlan>();

  constructor(private readonly schema: GraphQLSchema) {}

  check(document: DocumentNode, variables: Record<string, unknown> | undefined): BadUserInputError | null {
    let plan = this.plans.get(document);
    if (!plan) {
      plan = planDocument(this.schema, document);
      this.plans.set(document, plan);
    }
    if (plan.literalError) return plan.literalError;
    for (const usage of plan.usages) {
      if (!variables || !(usage.variable in variables)) continue;
      const error = checkValue(variables[usage.variable], usage.type, usage.position);
      if (error) return error;
    }
    return null;
  }
}

/**
 * Apollo runs this after parsing and validation and before the response cache, the rate limiter's
 * answer or any resolver: an over-long argument ends the request with BAD_USER_INPUT (HTTP 400)
 * naming the argument and its limit, and no SQL runs for it.
 */
export function inputLimitsPlugin<TContext extends object>(schema: GraphQLSchema): ApolloServerPlugin<TContext> {
  const limits = new InputLimits(schema);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const error = limits.check(requestContext.document, requestContext.request.variables);
          if (error) throw toRequestError(error);
        },
      };
    },
  };
}
