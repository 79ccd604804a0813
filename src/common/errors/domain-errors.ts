/**
 * Domain errors carry a stable code. `graphql/error-formatter.ts` is the one place that turns them
 * into GraphQL errors; anything that is not a DomainError reaches a client only as a masked
 * INTERNAL_SERVER_ERROR, so no SQL, stack trace or connection string can leak.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'OPERATION_NOT_ALLOWED'
  | 'ORIGIN_NOT_ALLOWED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** Safe, structured details for the client (never raw driver messages). */
  readonly details?: Record<string, unknown>;

  constructor(message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

export class BadUserInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT' as const;
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT' as const;
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED' as const;
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN' as const;
}

/** The caller's bucket cannot pay for this operation now; `retryAfter` says when it can. */
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED' as const;
}

/** The partner key is restricted to persisted operations and this is not one of them. */
export class OperationNotAllowedError extends DomainError {
  readonly code = 'OPERATION_NOT_ALLOWED' as const;
}

/** A browser origin that neither the caller's key nor the configuration allows (CORS). */
export class OriginNotAllowedError extends DomainError {
  readonly code = 'ORIGIN_NOT_ALLOWED' as const;
}

/** The database could not be reached or answered in time: retryable, unlike a bug. */
export class DatabaseUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE' as const;
  constructor(cause?: unknown) {
    super('The database is unavailable; try again shortly.', undefined, { cause });
  }
}

/** Something the request needs is not available now (subscriptions while shutting down, ...): retryable. */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE' as const;
}

/** Any other database failure: logged with its cause, masked for clients. */
export class DatabaseError extends DomainError {
  readonly code = 'INTERNAL_SERVER_ERROR' as const;
  constructor(cause?: unknown) {
    super('A database error occurred.', undefined, { cause });
  }
}

const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57P04', // database_dropped
  '55000', // object_not_in_prerequisite_state: "database does not allow connections"
  '3D000', // invalid_catalog_name: the database is gone
  '57014', // query_canceled (statement_timeout)
  '53300', // too_many_connections
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/** Classifies a driver error without ever copying its text into something a client sees. */
export function wrapDatabaseError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || NETWORK_CODES.has(code))) {
    return new DatabaseUnavailableError(error);
  }
  // A pool or embedded database that has been closed (shutdown, lost server) is unavailable, not
  // a bug: clients should retry elsewhere or later.
  if (error instanceof Error && /timeout|terminated|Cannot use a pool after calling end|PGlite is closed|not queryable|Connection refused/i.test(error.message)) {
    return new DatabaseUnavailableError(error);
  }
  return new DatabaseError(error);
}
