import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationTypeNode,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * Apollo's cache-control plugin works out a response's cache policy while it executes, with a hook
 * on every resolved field: on the sidebar that is one closure and one policy object per field per
 * item. The policy only depends on the operation and on the @cacheControl hints in the schema, so
 * this plugin works it out once per document instead, by the same rules (a field's hint, else its
 * composite type's, else max-age 0 for composite and root fields; scalars inherit), and caches it
 * with the parsed document. Being static it is conservative: a field that resolves to nothing
 * still counts, so a response is never cached longer than Apollo would cache it.
 *
 * It also writes the Cache-Control header as Apollo does (`max-age=N, public|private` for a
 * cacheable response without errors, `no-store` otherwise).
 */

type Scope = 'PUBLIC' | 'PRIVATE';

interface Hint {
  maxAge?: number;
  scope?: Scope;
  inheritMaxAge?: boolean;
}

export interface StaticPolicy {
  maxAge: number;
  scope: Scope;
}

class Policy {
  maxAge?: number;
  scope?: Scope;

  replace(hint: Hint): void {
    if (hint.maxAge !== undefined) this.maxAge = hint.maxAge;
    if (hint.scope !== undefined) this.scope = hint.scope;
  }

  restrict(hint: Hint): void {
    if (hint.maxAge !== undefined && (this.maxAge === undefined || hint.maxAge < this.maxAge)) this.maxAge = hint.maxAge;
    if (hint.scope !== undefined && this.scope !== 'PRIVATE') this.scope = hint.scope;
  }
}

function hintFromDirectives(node: { directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[] } | null | undefined): Hint {
  const directive = node?.directives?.find((d) => d.name.value === 'cacheControl');
  if (!directive) return {};
  const hint: Hint = {};
  for (const argument of directive.arguments ?? []) {
    const value = valueFromASTUntyped(argument.value);
    if (argument.name.value === 'maxAge' && typeof value === 'number') hint.maxAge = value;
    if (argument.name.value === 'scope' && (value === 'PUBLIC' || value === 'PRIVATE')) hint.scope = value;
    if (argument.name.value === 'inheritMaxAge' && value === true) hint.inheritMaxAge = true;
  }
  return hint;
}

/** The Cache-Control header of a cacheable response, as Apollo writes it: `max-age=N, public|private`. */
export function cacheControlHeader(policy: StaticPolicy): string {
  return `max-age=${policy.maxAge}, ${policy.scope.toLowerCase()}`;
}

export class StaticCachePolicies {
  private readonly typeHints = new Map<GraphQLNamedType, Hint>();
  private readonly fieldHints = new Map<GraphQLField<unknown, unknown>, Hint>();
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, StaticPolicy | null>>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** The policy of one operation of a document, or null when it is not cacheable. */
  policyFor(document: DocumentNode, operation: OperationDefinitionNode): StaticPolicy | null {
    let perOperation = this.byDocument.get(document);
    if (!perOperation) {
      perOperation = new Map();
      this.byDocument.set(document, perOperation);
    }
    const key = operation.name?.value ?? '';
    if (perOperation.has(key)) return perOperation.get(key)!;
    const policy = this.compute(document, operation);
    perOperation.set(key, policy);
    return policy;
  }

  private compute(document: DocumentNode, operation: OperationDefinitionNode): StaticPolicy | null {
    if (operation.operation !== OperationTypeNode.QUERY) return null;
    const root = this.schema.getQueryType();
    if (!root) return null;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const overall = new Policy();
    this.visit(operation.selectionSet, root, true, fragments, overall, new Set());
    return overall.maxAge !== undefined && overall.maxAge > 0 ? { maxAge: overall.maxAge, scope: overall.scope ?? 'PUBLIC' } : null;
  }

  private visit(
    selectionSet: SelectionSetNode,
    parentType: GraphQLCompositeType,
    isRoot: boolean,
    fragments: Map<string, FragmentDefinitionNode>,
    overall: Policy,
    visitingFragments: Set<string>,
  ): void {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parentType;
        if (type && isCompositeType(type)) this.visit(selection.selectionSet, type, isRoot, fragments, overall, visitingFragments);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || visitingFragments.has(fragment.name.value)) continue;
        const type = this.schema.getType(fragment.typeCondition.name.value);
        if (type && isCompositeType(type)) {
          visitingFragments.add(fragment.name.value);
          this.visit(fragment.selectionSet, type, isRoot, fragments, overall, visitingFragments);
          visitingFragments.delete(fragment.name.value);
        }
      } else {
        this.visitField(selection, parentType, isRoot, fragments, overall, visitingFragments);
      }
    }
  }

  private visitField(
    node: FieldNode,
    parentType: GraphQLCompositeType,
    isRoot: boolean,
    fragments: Map<string, FragmentDefinitionNode>,
    overall: Policy,
    visitingFragments: Set<string>,
  ): void {
    const name = node.name.value;
    if (name === '__typename') return;
    if (name.startsWith('__')) {
      // Introspection is never cached.
      overall.restrict({ maxAge: 0 });
      return;
    }
    if (!isObjectType(parentType) && !isInterfaceType(parentType)) return;
    const field = parentType.getFields()[name];
    if (!field) return;
    const target = getNamedType(field.type);
    const policy = new Policy();
    let inheritMaxAge = false;
    if (isCompositeType(target)) {
      const typeHint = this.typeHint(target);
      policy.replace(typeHint);
      inheritMaxAge = Boolean(typeHint.inheritMaxAge);
    }
    const fieldHint = this.fieldHint(field);
    if (fieldHint.inheritMaxAge && policy.maxAge === undefined) {
      inheritMaxAge = true;
      if (fieldHint.scope) policy.replace({ scope: fieldHint.scope });
    } else {
      policy.replace(fieldHint);
    }
    if (policy.maxAge === undefined && ((isCompositeType(target) && !inheritMaxAge) || isRoot)) policy.restrict({ maxAge: 0 });
    overall.restrict(policy);
    if (node.selectionSet && isCompositeType(target)) this.visit(node.selectionSet, target, false, fragments, overall, visitingFragments);
  }

  private typeHint(type: GraphQLNamedType): Hint {
    let hint = this.typeHints.get(type);
    if (!hint) {
      hint = hintFromDirectives(type.astNode);
      // An abstract type without a hint of its own is cached no longer than its shortest member.
      if (hint.maxAge === undefined && isAbstractType(type)) {
        for (const member of this.schema.getPossibleTypes(type)) {
          const memberHint = hintFromDirectives(member.astNode);
          const maxAge = memberHint.maxAge ?? 0;
          if (hint.maxAge === undefined || maxAge < hint.maxAge) hint = { ...hint, maxAge };
        }
      }
      this.typeHints.set(type, hint);
    }
    return hint;
  }

  private fieldHint(field: GraphQLField<unknown, unknown>): Hint {
    let hint = this.fieldHints.get(field);
    if (!hint) {
      hint = hintFromDirectives(field.astNode);
      this.fieldHints.set(field, hint);
    }
    return hint;
  }
}

export function staticCachePolicyPlugin<TContext extends object>(schema: GraphQLSchema): ApolloServerPlugin<TContext> {
  const policies = new StaticCachePolicies(schema);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, overallCachePolicy }) {
          const policy = operation ? policies.policyFor(document, operation) : null;
          overallCachePolicy.restrict(policy ?? { maxAge: 0 });
        },
        async willSendResponse({ response, overallCachePolicy }) {
          const cacheable = overallCachePolicy.policyIfCacheable();
          const header = response.http.headers.get('cache-control');
          if (header && header !== 'no-store' && !/^max-age=\d+, (public|private)$/.test(header)) return;
          if (cacheable && header !== 'no-store' && response.body.kind === 'single' && !response.body.singleResult.errors) {
            response.http.headers.set('cache-control', cacheControlHeader(cacheable));
          } else {
            response.http.headers.set('cache-control', 'no-store');
          }
        },
      };
    },
  };
}
