import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  GraphQLID,
  GraphQLString,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import { BadUserInputError } from '../common/errors/domain-errors';
import { toRequestError } from './error-formatter';

/**
 * How long a piece of text a caller may send, in one table, checked in one place before anything
 * runs: every string in every argument of an operation, written in the document or passed as a
 * variable, at any depth of an input object or list. A 20,000-character `people(search:)` cost
 * 4.8 s of database time at a query cost of 1; now it is a BAD_USER_INPUT before any SQL.
 *
 * The kind of an argument or input field is decided by its name, which means the same everywhere
 * in this schema (`after` is always a cursor, `language` always a BCP 47 tag). A name missing from
 * INPUT_KIND_BY_NAME still gets the `other` limit, so no new argument goes unbounded, and a test
 * (input-limits.spec.ts) fails until someone gives it its kind. The schema's descriptions state
 * each limit (describeInputLimits) and README.md lists them for partners.
 */
export type InputKind = 'search' | 'name' | 'url' | 'id' | 'slug' | 'cursor' | 'languageTag' | 'timeZone' | 'countryCode' | 'operationHash' | 'dateTime' | 'other';

export interface InputLimit {
  /** Unicode characters (code points), so a Bengali or emoji text gets as many letters as a Latin one. */
  maxLength: number;
  /** What such a value is, for error messages: "a search may be at most 200 characters". */
  what: string;
}

export const INPUT_LIMITS: Readonly<Record<InputKind, InputLimit>> = {
  // Words to find; longer texts are not searches (and trigram similarity grows with their length).
  search: { maxLength: 200, what: 'a search' },
  // The names sources and partner keys are stored with (the registry's own limit is the same).
  name: { maxLength: 200, what: 'a name' },
  // The longest URL every browser, proxy and CDN carries.
  url: { maxLength: 2048, what: 'a URL' },
  // Global IDs are base64 of a type and a UUID (about 60 characters), key IDs UUIDs.
  id: { maxLength: 128, what: 'an ID' },
  // Slugs are at most 80 characters when made, 200 with a suffix.
  slug: { maxLength: 200, what: 'a slug' },
  // Cursors carry a name or a date and an ID; the cursor decoder refuses anything longer too.
  cursor: { maxLength: 1024, what: 'a cursor' },
  // RFC 5646's recommended buffer for a language tag; the columns are varchar(35).
  languageTag: { maxLength: 35, what: 'a language tag' },
  // The longest IANA zone name is 32 characters.
  timeZone: { maxLength: 64, what: 'a time zone' },
  countryCode: { maxLength: 8, what: 'a country code' },
  // SHA-256 in hex.
  operationHash: { maxLength: 64, what: 'an operation hash' },
  // RFC 3339 with a fraction and an offset fits in 40.
  dateTime: { maxLength: 64, what: 'a date-time' },
  // Whatever has no kind yet (enum values and numbers sent as strings included).
  other: { maxLength: 100, what: 'this argument' },
};

/** Items a list argument may hold (where a field allows fewer, its description and service say so). */
export const MAX_LIST_ITEMS = 100;

/** The kind of every String, ID and DateTime argument and input field, by name. */
export const INPUT_KIND_BY_NAME: Readonly<Record<string, InputKind>> = {
  search: 'search',
  name: 'name',
  url: 'url',
  homepageUrl: 'url',
  feedUrls: 'url',
  allowedOrigins: 'url',
  id: 'id',
  sourceId: 'id',
  sourceIds: 'id',
  personIds: 'id',
  slug: 'slug',
  after: 'cursor',
  before: 'cursor',
  language: 'languageTag',
  timeZone: 'timeZone',
  country: 'countryCode',
  allowedOperations: 'operationHash',
  publishedAfter: 'dateTime',
  publishedBefore: 'dateTime',
};

export function inputKindOf(name: string): InputKind {
  return INPUT_KIND_BY_NAME[name] ?? 'other';
}

/** Whether a value's characters (code points) exceed max, counting only when the length says it might. */
function longerThan(value: string, max: number): boolean {
  if (value.length <= max) return false;
  let count = 0;
  for (const _ of value) if (++count > max) return true;
  return false;
}

/**
 * Null when `value` is within its kind's limit, else the error to answer. Also for text that does
 * not arrive through GraphQL arguments (the feeds' query parameters).
 */
export function inputLengthError(kind: InputKind, value: string, argument: string, where?: string): BadUserInputError | null {
  const { maxLength, what } = INPUT_LIMITS[kind];
  if (!longerThan(value, maxLength)) return null;
  const subject = where ? `"${argument}" of ${where}` : `"${argument}"`;
  return new BadUserInputError(`${subject} is too long: ${what} may be at most ${maxLength} characters.`, {
    argument,
    maxLength,
    ...(where ? { field: where } : {}),
  });
}

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

const DESCRIBED_TYPES: ReadonlySet<GraphQLNamedType> = new Set([GraphQLString, GraphQLID]);

/**
 * Appends each String or ID argument's and input field's limit to its description, so the schema
 * itself tells partners (and codegen's comments tell apps) what INPUT_LIMITS enforces.
 */
export function describeInputLimits(schema: GraphQLSchema): void {
  const describe = (item: { name: string; type: GraphQLInputType; description?: string | null }) => {
    if (!DESCRIBED_TYPES.has(getNamedType(item.type))) return;
    const { maxLength } = INPUT_LIMITS[inputKindOf(item.name)];
    const nullable = isNonNullType(item.type) ? item.type.ofType : item.type;
    const note = isListType(nullable) ? `Each at most ${maxLength} characters.` : `At most ${maxLength} characters.`;
    const text = item.description?.trim() ?? '';
    if (text.endsWith(note)) return;
    item.description = text === '' ? note : `${text} ${note}`;
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) describe(field);
    } else if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) for (const argument of field.args) describe(argument);
    }
  }
}
