import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError } from '../common/errors/domain-errors';

export interface ErrorFormatterOptions {
  /**
   * Keep graphql-js's "Did you mean …?" suggestions. They name fields, arguments, types and enum
   * values near what a client typed, which spells the schema out to anyone guessing; the gateway
   * keeps them exactly when introspection is on (the schema is public then anyway).
   */
  suggestions: boolean;
}

/**
 * Every suggestion graphql-js writes: `Did you mean "latestFeed"?`, `Did you mean "a", "b", or
 * "c"?`, `Did you mean the enum value "NEWEST_FIRST"?`, `Did you mean to use an inline fragment on
 * "Article"?`. Names cannot hold a question mark, so the first one ends the suggestion.
 */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** A message without graphql-js's suggestions. */
function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

/**
 * The one place errors become what a client sees. Domain errors keep their message and code;
 * GraphQL's own errors (syntax, validation, variable coercion) keep theirs, without suggestions
 * unless `options.suggestions`; everything else is masked and logged, so no stack trace, SQL text
 * or connection string reaches a response, whatever NODE_ENV says.
 */
export function createErrorFormatter(logger: Logger, options: ErrorFormatterOptions = { suggestions: false }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { locations: formatted.locations, path: formatted.path };
    if (original instanceof DomainError) {
      if (original.code === 'INTERNAL_SERVER_ERROR' || original.code === 'SERVICE_UNAVAILABLE') {
        logger.error({ err: original.cause ?? original, path: formatted.path }, 'resolver failed');
      }
      return { ...base, message: original.message, extensions: { code: original.code, ...(original.details ?? {}) } };
    }
    if (original instanceof GraphQLError && (!original.originalError || isRequestError(original, formatted))) {
      const { stacktrace: _dropped, exception: _alsoDropped, limit, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
      // A limit's own code (QUERY_TOO_DEEP, ...; src/edge/graphql-limits.ts) says more than
      // Apollo's GRAPHQL_VALIDATION_FAILED.
      const code = typeof limit === 'string' ? limit : typeof original.extensions?.code === 'string' ? original.extensions.code : 'BAD_REQUEST';
      const message = options.suggestions ? formatted.message : withoutSuggestions(formatted.message);
      return { ...base, message, extensions: { ...extensions, code } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected resolver error');
    return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/**
 * Apollo's own errors about the request itself (syntax, validation, variable values, a malformed
 * request) wrap the graphql-js error they report as `originalError`, so they are recognised by
 * their code instead, and by having no path: an error raised while resolving a field always has
 * one. Their messages describe the query, never the server.
 */
const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

function isRequestError(error: GraphQLError, formatted: GraphQLFormattedError): boolean {
  const code = error.extensions?.code;
  return formatted.path === undefined && typeof code === 'string' && REQUEST_ERROR_CODES.has(code);
}

const HTTP_STATUS: Partial<Record<string, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  OPERATION_NOT_ALLOWED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * Errors raised before execution (while building the context: a bad token, a revoked key) end the
 * request with their HTTP status; Apollo reads it from `extensions.http`.
 */
export function toRequestError(error: unknown): GraphQLError {
  if (error instanceof DomainError) {
    return new GraphQLError(error.message, {
      extensions: { code: error.code, ...(error.details ?? {}), http: { status: HTTP_STATUS[error.code] ?? 500 } },
    });
  }
  return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } } });
}
