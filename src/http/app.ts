/**
 * HTTP: the express app and what it serves. /graphql (graphql-endpoint.ts, into Apollo Server 5:
 * apollo-server.ts), /healthz and /readyz, /metrics, the GraphiQL page and the reader's front
 * page (pages/) and the outgoing feeds, mounted behind the edge's guards. The app is assembled by src/composition/gateway.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import type { GraphQLGuards } from '../edge/edge';
import { earlyResponse, sendResponse } from '../edge/error-response';
import type { GatewayContext, Loaders } from '../api/loaders';
import type { ResolverRegistry } from '../graphql/context';
import type { GatewayMetrics } from '../metrics/metrics';
import { metricsHandler } from './metrics-endpoint';
import { syndicationFeedRouter, type SyndicationFeedRouteDeps } from '../syndication/syndication-feed.routes';
import { GRAPHQL_PATH, graphqlEndpoint, isGraphQLPath, requestIdOf } from './graphql-endpoint';
import { InFlightWork } from './in-flight';
import type { CompiledOperations } from './compiled-operations';
import { EXPLORER_EXAMPLE } from './pages/explorer-example';
import { graphiqlRouter } from './pages/graphiql.routes';
import { frontPageRouter, type FrontPageRouteDeps } from './pages/front-page.routes';
import { observeRequests } from './request-observer';

export interface HttpAppDeps {
  config: AppConfig;
  db: SqlExecutor;
  logger: Logger;
  metrics: GatewayMetrics | null;
  apollo: ApolloServer<GatewayContext>;
  guards: GraphQLGuards;
  /** A function, not a method: it is handed on to the /graphql endpoint unbound. */
  createLoaders: () => Loaders;
  resolvers: ResolverRegistry;
  /** The compiled read path (compiled-operations.ts), tried before Apollo. */
  compiled: CompiledOperations;
  /** The outgoing feeds: the edge's middlewares (caller, CORS) and what the routes need. */
  feeds: { guards: RequestHandler[]; routes: SyndicationFeedRouteDeps };
  /** The reader's pages: `/`, `/articles/<slug>`, `/sources/<slug>`, `/people/<slug>`, `/items/<id>`. */
  pages: FrontPageRouteDeps;
}

export interface HttpApp {
  app: express.Express;
  /**
   * The server's request handler: /graphql straight to its endpoint (the same request id, context,
   * access line and shutdown tracking as the express route, without express's router and request
   * and response decorations on the hottest path), everything else to `app`.
   */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Resolves when no request's work is running (shutdown waits on it before closing the database). */
  idle(): Promise<void>;
}

export function createHttpApp(deps: HttpAppDeps): HttpApp {
  const { config, logger, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Every request runs in its own context (reqId on every log line, SQL counted) and ends with an access line.
  const observe = observeRequests(logger, metrics);
  const inFlight = new InFlightWork();
  app.use((req, res, next) => {
    const requestId = requestIdOf(req);
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    // Routes other than /graphql (feeds, health) are done when their response is.
    if (!isGraphQLPath(req.path)) inFlight.track(new Promise((resolve) => res.once('close', resolve)));
    observe(req, res, requestId, next);
  });

  const graphql = graphqlEndpoint({ config, apollo: deps.apollo, guards: deps.guards, createLoaders: deps.createLoaders, resolvers: deps.resolvers, compiled: deps.compiled, logger });
  /** One GraphQL request, whichever way it came in (`url` with its query string). */
  const serveGraphQL = (req: IncomingMessage, res: ServerResponse & { locals?: { work?: Promise<void> } }, url: string, requestId: string): void => {
    const query = url.indexOf('?');
    const work = graphql(req, res, query < 0 ? '' : url.slice(query), requestId);
    // Shutdown waits for it; the access line of a request whose client left waits for it too.
    res.locals = { ...res.locals, work };
    inFlight.track(work);
  };
  app.all([GRAPHQL_PATH, `${GRAPHQL_PATH}/`], (req, res) => serveGraphQL(req, res, req.originalUrl, res.locals.requestId as string));
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    if (!isGraphQLPath(query < 0 ? url : url.slice(0, query))) {
      app(req, res);
      return;
    }
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    observe(req, res, requestId, () => serveGraphQL(req, res, url, requestId));
  };

  if (metrics) {
    const serveMetrics = metricsHandler(metrics.registry, config.metrics.token);
    app.get('/metrics', (req, res) => void serveMetrics(req, res));
  }
  app.use(healthRoutes(deps.db, logger));
  // GraphiQL from our own node_modules (no CDN), outside /graphql's callers, CORS and limits.
  if (config.graphiql) app.use(graphiqlRouter({ example: EXPLORER_EXAMPLE }));
  app.use('/feeds', ...deps.feeds.guards);
  app.use(syndicationFeedRouter(deps.feeds.routes));
  // The front page for readers: public HTML, no caller, no script.
  app.use(frontPageRouter(deps.pages));

  app.use((_req, res) => sendResponse(res, earlyResponse(404, 'Not found', 'NOT_FOUND')));
  app.use(jsonErrorHandler(logger));
  return { app, handler, idle: () => inFlight.idle() };
}

/** /healthz: the process answers; /readyz: and the database does. */
function healthRoutes(db: SqlExecutor, logger: Logger): express.Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await db.ping();
      res.json({ status: 'ok', database: 'reachable' });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });
  return router;
}

/**
 * Errors of the express routes (health, feeds) answer with their HTTP status and a GraphQL-shaped
 * body; express's default handler would print a stack trace. /graphql answers its own.
 */
function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = httpStatusOf(error);
    const [message, code] = status < 500 ? ['Bad request.', 'BAD_REQUEST'] : ['Internal server error', 'INTERNAL_SERVER_ERROR'];
    if (status >= 500) logger.error({ err: error }, 'request failed');
    sendResponse(res, earlyResponse(status, message, code));
  };
}

/** The 4xx or 5xx status an error carries (body-parser's, http-errors'), else 500. */
function httpStatusOf(error: unknown): number {
  const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/** An HTTP server for `app`, listening. */
export function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, port: number, host: string, keepAliveTimeoutSeconds: number): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = createServer(handler);
    // Keep-alive has a race only the server can settle: a server that closes an idle connection
    // just as the client sends its next request on it loses that request to a reset
    // (ECONNRESET), and the client cannot tell whether it ran. Node's default (5 s) is shorter
    // than the idle timeout of the load balancers and proxies that reuse connections to us
    // (60 s is common), and than the pause of a client whose process was busy, so it is the
    // gateway that would close first. Kept longer, and announced in every response
    // (`Keep-Alive: timeout=…`, which undici and so Node's fetch obey), the idle connection is
    // always closed by the client. test/e2e/keep-alive.e2e-spec.ts shows the race.
    server.keepAliveTimeout = keepAliveTimeoutSeconds * 1000;
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
