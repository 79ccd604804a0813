import { AsyncLocalStorage } from 'node:async_hooks';

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
