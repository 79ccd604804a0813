import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { newRequestContext, runInRequestContext, type RequestContext } from '../common/request-context';
import type { GatewayMetrics, GraphQLOutcome } from '../metrics/metrics';
import { isGraphQLPath } from './graphql-endpoint';

/** Probes and scrapes come every few seconds: their access lines are debug, everything else info. */
const QUIET_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The gateway's first step for every request: enter the request context (so every log line of
 * the request carries `reqId` and its SQL statements are counted), and when the response has
 * ended, write one access line and record the request's metrics.
 *
 * A `close` listener instead of pino-http: /graphql is a custom handler on the raw request for
 * speed, and pino-http would add a child logger, a serialised request and response object, and
 * its own id generation to every request. This costs one listener and one line.
 */
export function observeRequests(logger: Logger, metrics: GatewayMetrics | null) {
  return (req: IncomingMessage & { route?: { path?: unknown } }, res: ServerResponse, reqId: string, next: () => void): void => {
    const started = performance.now();
    const context = newRequestContext(reqId);
    res.once('close', () => {
      // A client that left before its answer: the access line waits for the work to end, so its
      // duration and SQL count are the request's whole, not the moment the client gave up.
      const work = (res as ServerResponse & { locals?: { work?: Promise<unknown> } }).locals?.work;
      const aborted = !res.writableFinished;
      if (work && aborted) void work.then(() => record(aborted), () => record(aborted));
      else record(aborted);
    });
    const record = (aborted: boolean) => {
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
      const query = url.indexOf('?');
      // Never the query string: it can carry an API key (feeds accept `?key=`) or a whole query.
      const path = query < 0 ? url : url.slice(0, query);
      const status = res.statusCode;
      const graphql = isGraphQLPath(path);
      const level = QUIET_PATHS.has(path) ? 'debug' : 'info';
      if (logger.isLevelEnabled(level)) {
        const line: Record<string, unknown> = { reqId, method: req.method, path, status, durationMs };
        if (graphql && context.operation !== null) line.operation = context.operation || 'anonymous';
        if (graphql || context.sqlStatements > 0) line.sql = context.sqlStatements;
        if (aborted) line.aborted = true;
        logger[level](line, 'request completed');
      }

      if (!metrics) return;
      const route = graphql ? 'graphql' : routeOf(req, path);
      if (graphql) {
        metrics.graphqlRequest(context.operation, outcomeOf(status, context), durationMs / 1000);
        metrics.sqlStatements('graphql', context.sqlStatements);
      } else if (context.sqlStatements > 0) {
        metrics.sqlStatements('other', context.sqlStatements);
      }
      if (status >= 400) metrics.httpError(route, status);
    };
    runInRequestContext(context, next);
  };
}

function outcomeOf(status: number, context: RequestContext): GraphQLOutcome {
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return context.graphqlErrors > 0 ? 'graphql_error' : 'success';
}

/** The route's own pattern (a bounded set), never the requested path. */
function routeOf(req: { route?: { path?: unknown } }, path: string): string {
  if (typeof req.route?.path === 'string') return req.route.path;
  if (QUIET_PATHS.has(path)) return path;
  return 'unmatched';
}
