import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import { createLoaders, type GraphQLContext } from '../graphql/context';
import { GRAPHQL_PATH, graphqlEndpoint, isGraphQLPath, requestIdOf } from './graphql-endpoint';
import { createErrorFormatter } from '../graphql/error-formatter';
import { EXPLORER_EXAMPLE } from '../graphql/explorer-example';
import { countingErrors, operationNamePlugin } from '../graphql/observability';
import { GatewayMetrics } from '../metrics/metrics';
import { metricsHandler } from '../metrics/metrics-endpoint';
import { InFlightWork } from './in-flight';
import { observeRequests } from './request-observer';
import { graphiqlRouter } from '../graphql/graphiql.routes';
import { inputLimitsPlugin } from '../graphql/input-limits';
import { gatewaySchema } from '../graphql/schema';
import { createServices, type Services } from '../services';
import type { CacheInvalidation } from '../syndication/cache-invalidation';
import { createSyndication } from '../syndication/syndication';

export interface GatewayDeps {
  config: AppConfig;
  db: SqlExecutor;
  logger: Logger;
}

export interface Gateway {
  app: express.Express;
  /** An HTTP server for `app`, listening. */
  listen(port: number, host: string): Promise<Server>;
  services: Services;
  /** What writers call after storing new items, so cached responses and feeds end at once. */
  cacheInvalidation: CacheInvalidation;
  /** Resolves when no request's work is running (shutdown waits on it before closing the database). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}


/** /graphql (Apollo Server 5), /healthz, /readyz and the feeds. */
export async function createGateway({ config, db, logger }: GatewayDeps): Promise<Gateway> {
  const services = createServices(db, { config, logger });
  // A registry per gateway (tests run several in one process), none at all with METRICS=false.
  const metrics = config.metrics.enabled ? new GatewayMetrics() : null;
  if (metrics) services.ingest.observe(metrics.ingest);
  const syndication = await createSyndication(config, db, services, logger);
  // Stored items end cached responses and feeds at once, whoever stored them (refreshSource, the worker).
  services.ingest.onItemsStored(() => syndication.invalidation.newItemsStored());
  const apollo = new ApolloServer<GraphQLContext>({
    ...syndication.apollo,
    schema: gatewaySchema(),
    // Our own setting (config.ts), never Apollo's NODE_ENV guess (see ../shared/STACK.md).
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (HTTP, then Apollo, then the database); Apollo's own signal handlers
    // would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    // Field suggestions ("Did you mean …?") only where introspection shows the schema anyway.
    formatError: countingErrors(createErrorFormatter(logger, { suggestions: config.introspection }), metrics),
    plugins: [
      // Every string argument within its length before anything runs (graphql/input-limits.ts).
      inputLimitsPlugin<GraphQLContext>(gatewaySchema()),
      ...syndication.apollo.plugins,
      operationNamePlugin<GraphQLContext>(),
      config.landingPage
        ? ApolloServerPluginLandingPageLocalDefault({
            embed: { endpointIsEditable: false, initialState: { pollForSchemaUpdates: false } },
            includeCookies: false,
            document: EXPLORER_EXAMPLE.document,
            variables: { ...EXPLORER_EXAMPLE.variables },
          })
        : ApolloServerPluginLandingPageDisabled(),
    ],
    logger,
  });
  await apollo.start();

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

  const graphql = graphqlEndpoint({
    config,
    apollo,
    guards: syndication.graphqlGuards,
    createLoaders: () => createLoaders(services.repositories, metrics?.batch),
    resolvers: services.resolvers,
    logger,
  });
  app.all([GRAPHQL_PATH, `${GRAPHQL_PATH}/`], (req, res) => {
    const query = req.originalUrl.indexOf('?');
    const work = graphql(req, res, query < 0 ? '' : req.originalUrl.slice(query), res.locals.requestId as string);
    // Shutdown waits for it; the access line of a request whose client left waits for it too.
    res.locals.work = work;
    inFlight.track(work);
  });

  if (metrics) {
    const serveMetrics = metricsHandler(metrics.registry, config.metrics.token);
    app.get('/metrics', (req, res) => void serveMetrics(req, res));
  }

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.ping();
      res.json({ status: 'ok', database: 'reachable' });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });

  // GraphiQL from our own node_modules (no CDN), outside /graphql's callers, CORS and limits.
  if (config.graphiql) app.use(graphiqlRouter({ example: EXPLORER_EXAMPLE }));
  app.use(syndication.feeds(apollo.cache));

  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });
  app.use(jsonErrorHandler(logger));

  return {
    app,
    listen: (port, host) =>
      new Promise<Server>((resolve, reject) => {
        const server = createServer(app);
        // Keep-alive has a race only the server can settle: a server that closes an idle connection
        // just as the client sends its next request on it loses that request to a reset
        // (ECONNRESET), and the client cannot tell whether it ran. Node's default (5 s) is shorter
        // than the idle timeout of the load balancers and proxies that reuse connections to us
        // (60 s is common), and than the pause of a client whose process was busy, so it is the
        // gateway that would close first. Kept longer, and announced in every response
        // (`Keep-Alive: timeout=…`, which undici and so Node's fetch obey), the idle connection is
        // always closed by the client. test/e2e/keep-alive.e2e-spec.ts shows the race.
        server.keepAliveTimeout = config.keepAliveTimeoutSeconds * 1000;
        server.once('error', reject);
        server.listen(port, host, () => resolve(server));
      }),
    services,
    cacheInvalidation: syndication.invalidation,
    idle: () => inFlight.idle(),
    stop: async () => {
      await apollo.stop();
      await services.ingest.close();
      await syndication.close();
      await metrics?.close();
    },
  };
}

/**
 * Errors of the express routes (health, feeds) answer with their HTTP status and a GraphQL-shaped
 * body; express's default handler would print a stack trace. /graphql answers its own.
 */
function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
    const [message, code] = status < 500 ? ['Bad request.', 'BAD_REQUEST'] : ['Internal server error', 'INTERNAL_SERVER_ERROR'];
    if (status >= 500) logger.error({ err: error }, 'request failed');
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}
