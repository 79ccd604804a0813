import { AsyncLocalStorage } from 'node:async_hooks';
import type { LimitDecision } from './limit-decision';

/**
 * What the gateway knows about the HTTP request being handled, wherever the code that asks runs:
 * the logger stamps every line with `reqId`, the SQL executor counts statements per request, and
 * the GraphQL layer names the operation for the access log and the metrics. One store per request,
 * entered by the first middleware (src/http/app.ts); outside a request there is none.
 */
export interface RequestContext {
  readonly reqId: string;
  /** SQL statements run for this request (src/db/sql-executor.ts). */
  sqlStatements: number;
  /** The GraphQL operation, once Apollo resolved it: its name, '' when anonymous; null before (or never). */
  operation: string | null;
  /** GraphQL errors sent in the response (src/metrics/metrics.ts counts them by code). */
  graphqlErrors: number;
  /**
   * The rate-limit charge already made for this request, when the compiled path (src/http/
   * compiled-operations.ts) charged it and then left the request to Apollo: the limits plugin
   * uses it instead of charging twice. Undefined when nothing was charged yet.
   */
  charged?: { readonly decision: LimitDecision | null };
}

const storage = new AsyncLocalStorage<RequestContext>();

export function newRequestContext(reqId: string): RequestContext {
  return { reqId, sqlStatements: 0, operation: null, graphqlErrors: 0 };
}

/** Runs `work` (and everything it starts, synchronously or not) inside the request's context. */
export function runInRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The request being handled, if any. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Who is calling, as authentication established it: what services may check before they act. */
export interface Caller {
  readonly kind: 'anonymous' | 'admin' | 'partner';
  /** Partner key id, or the client address for anonymous callers. */
  readonly id: string;
}

/**
 * What every service method takes first (as Vendure's services take a RequestContext): the
 * caller, the request's DataLoaders (built per request, so a cached row never outlives the
 * operation that read it), the request id and the logger. `L` is the loaders a service needs;
 * the GraphQL context, which has them all, is one.
 */
export interface ServiceContext<L = unknown> {
  readonly requestId: string;
  readonly viewer: Caller;
  readonly loaders: L;
  readonly logger: ServiceLogger;
}

/** The part of pino's Logger services use (so this module depends on no logging library). */
export interface ServiceLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
  debug(object: object, message?: string): void;
}
