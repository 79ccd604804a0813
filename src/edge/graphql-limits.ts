import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, Lexer, Source, TokenKind, type ValidationContext, type ValidationRule } from 'graphql';
import type { AppConfig } from '../config/config';

/** The code each limit rejects with: a client can tell which one it hit without parsing text. */
export const LIMIT_CODES = {
  depth: 'QUERY_TOO_DEEP',
  cost: 'QUERY_TOO_COMPLEX',
  aliases: 'TOO_MANY_ALIASES',
  directives: 'TOO_MANY_DIRECTIVES',
  tokens: 'TOO_MANY_TOKENS',
} as const;

/**
 * graphql-armor's depth, alias and directive rules, run with GraphQL validation, so an operation
 * over a limit is refused before any resolver (and so any SQL) runs. The cost limit is not armor's
 * (whose cost counts scalars and multiplies by depth, so a 100-item page with its authors and
 * people came to 8,670): it is our cost model (query-cost.ts), checked with the request's
 * variables by the limits plugin and the compiled path, the same number the bucket is charged. Each reports its
 * own code instead of armor's generic BAD_USER_INPUT; the error formatter passes it on. Tokens are
 * counted before Apollo parses (withinTokenLimit). Armor's field-suggestion masking stays off:
 * it misses enum-value and inline-fragment suggestions and leaves a stray "?"; the error formatter
 * removes every "Did you mean …?" instead whenever introspection is off (graphql/error-formatter.ts).
 */
export function armorValidationRules(limits: AppConfig['graphqlLimits']): ValidationRule[] {
  const report = (code: string) => (context: ValidationContext | null, error: GraphQLError) => {
    context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { limit: code } }));
  };
  const reject = (code: string) => ({ propagateOnRejection: false, onReject: [report(code)], exposeLimits: true });
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...reject(LIMIT_CODES.depth) },
    costLimit: { enabled: false },
    maxAliases: { n: limits.maxAliases, ...reject(LIMIT_CODES.aliases) },
    maxDirectives: { n: limits.maxDirectives, ...reject(LIMIT_CODES.directives) },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  });
  return armor.protect().validationRules;
}

/**
 * Whether a document stays within the token limit, counted with graphql-js's own lexer before
 * Apollo parses it, so an enormous document is refused without building its AST. A document has
 * at least as many characters as tokens, so short ones need no count at all.
 */
export function withinTokenLimit(query: string, maxTokens: number): boolean {
  if (query.length <= maxTokens) return true;
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > maxTokens) return false;
    }
  } catch {
    // A syntax error is Apollo's to report, with its position.
  }
  return true;
}
