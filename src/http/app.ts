import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import { createLoaders, type GraphQLContext, type Viewer } from '../graphql/context';
import { createErrorFormatter } from '../graphql/error-formatter';
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
  services: Services;
  /** What writers call after storing new items, so cached responses and feeds end at once. */
  cacheInvalidation: CacheInvalidation;
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const BODY_LIMIT = '100kb';

/** Express with /graphql (Apollo Server 5), /healthz and /readyz. */
export async function createGateway({ config, db, logger }: GatewayDeps): Promise<Gateway> {
  const services = createServices(db, { config, logger });
  const syndication = await createSyndication(config, db, services, logger);
  // Stored items end cached responses and feeds at once, whoever stored them (refreshSource, the worker).
  services.ingest.onItemsStored(() => syndication.invalidation.newItemsStored());
  const apollo = new ApolloServer<GraphQLContext>({
    ...syndication.apollo,
    schema: gatewaySchema(),
    // Set explicitly, never derived from NODE_ENV (see ../shared/STACK.md).
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (HTTP, then Apollo, then the database); Apollo's own signal handlers
    // would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger),
    plugins: [
      ...syndication.apollo.plugins,
      config.landingPage
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
    logger,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use((req, res, next) => {
    const given = req.get('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    next();
  });

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

  app.use(
    '/graphql',
    // The caller (admin token, partner key or client address) is established by these guards.
    ...syndication.graphqlGuards(BODY_LIMIT),
    expressMiddleware(apollo, {
      context: async ({ res }): Promise<GraphQLContext> => {
        return {
          requestId: res.locals.requestId as string,
          viewer: res.locals.viewer as Viewer,
          loaders: createLoaders(services.repositories),
          resolvers: services.resolvers,
        };
      },
    }),
  );

  app.use(syndication.feeds(apollo.cache));

  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });
  app.use(jsonErrorHandler(logger));

  return {
    app,
    services,
    cacheInvalidation: syndication.invalidation,
    stop: async () => {
      await apollo.stop();
      await services.ingest.close();
      await syndication.close();
    },
  };
}

/**
 * Errors outside GraphQL execution (a body over the limit, malformed JSON) answer with their
 * HTTP status and a GraphQL-shaped body; express's default handler would print a stack trace.
 */
function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
    const known: Record<number, [string, string]> = {
      400: ['The request body is not valid JSON.', 'BAD_REQUEST'],
      413: [`The request body is larger than ${BODY_LIMIT}.`, 'PAYLOAD_TOO_LARGE'],
      415: ['Unsupported content type.', 'UNSUPPORTED_MEDIA_TYPE'],
    };
    const [message, code] = known[status] ?? (status < 500 ? ['Bad request.', 'BAD_REQUEST'] : ['Internal server error', 'INTERNAL_SERVER_ERROR']);
    if (status >= 500) logger.error({ err: error }, 'request failed');
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}
