import type { Server } from 'node:http';
import type express from 'express';
import type { Logger } from 'pino';
import { keyRevocationSignal } from '../api-key/api-key.revocations';
import { cachePlugins, openCaches } from '../cache/cache';
import type { CacheInvalidation } from '../cache/cache-invalidation';
import type { AppConfig } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import { createEdge } from '../edge/edge';
import { createLoaders, type GatewayContext } from '../api/loaders';
import { gatewaySchema } from '../api/schema';
import { GATEWAY_JSON_SQL } from '../api/json-sql';
import { CompiledOperations } from '../http/compiled-operations';
import { startApollo } from '../http/apollo-server';
import { createHttpApp, listen } from '../http/app';
import { createSubscriptionServer } from '../http/subscriptions';
import { GatewayMetrics } from '../metrics/metrics';
import { createServices, type Services } from './services';

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
  /** The subscriptions (src/http/subscriptions.ts, src/live/): open WebSocket connections and running subscriptions. */
  live: { connections(): number; subscriptions(): number };
  /** Resolves when no request's work is running (shutdown waits on it before closing the database). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The gateway: services, caches, the edge, Apollo and the HTTP app, wired. With REDIS_URL the
 * limiters, the caches and the cache generation are shared by every gateway process.
 */
export async function createGateway({ config, db, logger }: GatewayDeps): Promise<Gateway> {
  const services = createServices(db, { config, logger });
  // A registry per gateway (tests run several in one process), none at all with METRICS=false.
  const metrics = config.metrics.enabled ? new GatewayMetrics() : null;
  if (metrics) services.ingest.observe(metrics.ingest);
  const caches = await openCaches(config, db, logger);
  // Stored items end cached responses and feeds at once, whoever stored them (refreshSource, the worker).
  services.ingest.onItemsStored(() => caches.invalidation.newItemsStored());
  const apiKeys = services.services.apiKeys;
  const revocations = keyRevocationSignal({ redis: caches.redis, redisKeyPrefix: config.redisKeyPrefix, databaseUrl: config.databaseUrl, db });
  if (revocations) apiKeys.shareRevocations(revocations);
  const edge = createEdge({ config, apiKeys, redis: caches.redis, serverCache: caches.serverCache, logger });
  const apollo = await startApollo({
    config,
    logger,
    metrics,
    plugins: [...edge.plugins, ...cachePlugins<GatewayContext>(gatewaySchema(), caches.generation, config.responseCache)],
    validationRules: edge.validationRules,
    persistedQueries: edge.persistedQueries,
    cache: caches.serverCache,
  });
  // The hot read operations, compiled into one statement each (src/http/compiled-operations.ts).
  const compiled = new CompiledOperations({
    schema: gatewaySchema(),
    jsonSql: GATEWAY_JSON_SQL,
    validationRules: edge.validationRules,
    maxCost: config.graphqlLimits.maxCost,
    compileAfter: config.compileAfter,
    db,
    limiter: edge.limiter,
    responseCache: config.responseCache ? { store: caches.serverCache, generation: caches.generation } : null,
    logger,
  });
  const http = createHttpApp({
    config,
    db,
    logger,
    metrics,
    apollo,
    guards: edge.graphqlGuards,
    createLoaders: () => createLoaders(services.repositories, metrics?.batch),
    resolvers: services.resolvers,
    compiled,
    feeds: {
      guards: edge.feedGuards,
      // Rendered feeds go into the server's cache (Redis when configured).
      routes: { config, feeds: services.services.feeds, limiter: edge.limiter, cache: caches.serverCache, generation: caches.generation },
    },
    pages: {
      pages: services.services.frontPage,
      settings: { graphiql: config.graphiql },
      cache: caches.serverCache,
      generation: caches.generation,
      limiter: edge.limiter,
      trustProxy: config.trustProxy,
    },
  });
  // Webhook deliveries start once an enabled webhook exists (src/webhook/webhook.dispatcher.ts).
  await services.webhooks.start();
  // GraphQL subscriptions: WebSocket upgrades of /graphql on the same server (src/http/subscriptions.ts).
  const subscriptions = createSubscriptionServer({
    config,
    logger,
    schema: gatewaySchema(),
    validationRules: edge.validationRules,
    guards: edge.graphqlGuards,
    limiter: edge.limiter,
    createLoaders: () => createLoaders(services.repositories, metrics?.batch),
    resolvers: services.resolvers,
  });
  metrics?.observeLive(() => ({ connections: subscriptions.connections(), subscriptions: services.live.count() }));
  return {
    app: http.app,
    listen: async (port, host) => {
      const server = await listen(http.handler, port, host, config.keepAliveTimeoutSeconds);
      subscriptions.attach(server);
      return server;
    },
    services,
    cacheInvalidation: caches.invalidation,
    live: { connections: () => subscriptions.connections(), subscriptions: () => services.live.count() },
    idle: () => http.idle(),
    stop: async () => {
      await subscriptions.close();
      await services.live.stop();
      await apollo.stop();
      await services.webhooks.stop();
      await services.ingest.close();
      await caches.close();
      await metrics?.close();
    },
  };
}
