import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError } from '../common/errors/domain-errors';

/**
 * The one place errors become what a client sees. Domain errors keep their message and code;
 * GraphQL's own errors (syntax, validation, variable coercion) keep theirs; everything else is
 * masked and logged, so no stack trace, SQL text or connection string reaches a response, whatever
 * NODE_ENV says.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { locations: formatted.locations, path: formatted.path };
    if (original instanceof DomainError) {
      if (original.code === 'INTERNAL_SERVER_ERROR' || original.code === 'SERVICE_UNAVAILABLE') {
        logger.error({ err: original.cause ?? original, path: formatted.path }, 'resolver failed');
      }
      return { ...base, message: original.message, extensions: { code: original.code, ...(original.details ?? {}) } };
    }
    if (original instanceof GraphQLError && !original.originalError) {
      const code = typeof original.extensions?.code === 'string' ? original.extensions.code : 'BAD_REQUEST';
      const { stacktrace: _dropped, exception: _alsoDropped, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
      return { ...base, message: formatted.message, extensions: { ...extensions, code } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected resolver error');
    return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

const HTTP_STATUS: Partial<Record<string, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
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
