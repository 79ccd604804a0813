import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import ApolloServerPluginResponseCache from '@apollo/server-plugin-response-cache';
import express, { type Router } from 'express';
import type Redis from 'ioredis';
import type { ValidationRule } from 'graphql';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import type { GraphQLContext, Viewer } from '../graphql/context';
import type { IncomingHttpHeaders } from 'node:http';
import { gatewaySchema } from '../graphql/schema';
import { staticCachePolicyPlugin } from '../graphql/static-cache-policy.plugin';
import type { Services } from '../services';
import { keyRevocationSignal } from './api-key.revocations';
import { CacheInvalidation, RESPONSE_CACHE_SIGNAL } from './cache-invalidation';
import { feedRouter } from './feed.routes';
import { armorValidationRules } from './graphql-limits';
import { limitsPlugin } from './limits.plugin';
import { PersistedQueryStore, persistedQueryPolicyPlugin } from './persisted-queries';
import { CostLimiter, RegistrationLimiter } from './rate-limiter';
import { connectRedis } from './redis';
import { authenticate, corsPerKey, CorsPolicy, identifyCaller, requestShapeError, type EarlyResponse } from './request-guards';
import { MemoryCacheGeneration, RedisCacheGeneration, RedisKeyValueCache, type CacheGeneration } from './response-cache.store';

export interface GraphQLGuards {
  identify(headers: IncomingHttpHeaders, address: string): Promise<Viewer>;
  cors: CorsPolicy;
  shapeError(payload: unknown): EarlyResponse | null;
}

export interface Syndication {
  /** Options for the ApolloServer constructor. */
  apollo: {
    plugins: ApolloServerPlugin<GraphQLContext>[];
    validationRules: ValidationRule[];
    allowBatchedHttpRequests: boolean;
    persistedQueries: { cache: KeyValueCache<string> };
    cache: KeyValueCache<string>;
  };
  /** What /graphql checks before Apollo sees a request: who is calling, CORS, the request's shape. */
  graphqlGuards: GraphQLGuards;
  /** The feeds, rendered into the server's cache (Apollo's own: Redis when configured). */
  feeds(serverCache: KeyValueCache<string>): Router;
  invalidation: CacheInvalidation;
  close(): Promise<void>;
}

/**
 * Everything issue 4 adds to the gateway, wired in one place: partner keys, CORS, limits, armor,
 * persisted queries, the response cache and feeds. With REDIS_URL the limiter, the caches and the
 * cache generation are shared by every gateway process; without it they are in-process.
 */
export async function createSyndication(config: AppConfig, db: SqlExecutor, services: Services, logger: Logger): Promise<Syndication> {
  const redis: Redis | null = config.redisUrl ? await connectRedis(config.redisUrl, logger) : null;
  // The server's cache (responses, persisted queries, feeds): Redis when configured, else what
  // Apollo would make itself, made here so that persisted queries can be written with their own TTL.
  const serverCache: KeyValueCache<string> = redis ? new RedisKeyValueCache(redis, `${config.redisKeyPrefix}cache:`, logger) : new InMemoryLRUCache<string>();
  const persistedQueries = new PersistedQueryStore(serverCache);
  // Without Redis: the embedded database's signal, which newsgate commands run beside this
  // process also bump (a seed ends cached responses at once), or this process's own.
  const generation: CacheGeneration = redis
    ? new RedisCacheGeneration(redis, config.redisKeyPrefix)
    : (db.changes?.generation(RESPONSE_CACHE_SIGNAL) ?? new MemoryCacheGeneration());
  const limiter = new CostLimiter(config, redis);
  const apiKeys = services.services.apiKeys;
  const revocations = keyRevocationSignal({ redis, redisKeyPrefix: config.redisKeyPrefix, databaseUrl: config.databaseUrl, db });
  if (revocations) apiKeys.shareRevocations(revocations);

  const plugins: ApolloServerPlugin<GraphQLContext>[] = [
    limitsPlugin(limiter),
    // Before the response cache, whose cached answers end the responseForOperation hooks.
    persistedQueryPolicyPlugin(persistedQueries, new RegistrationLimiter(config, redis), config.persistedQueries, logger),
    // Cache policies come from the @cacheControl hints once per document (graphql/static-cache-policy.plugin.ts),
    // not from Apollo's per-field hooks. Anything without a hint is not cacheable (max-age 0): admin
    // data, and types nobody has judged yet.
    ApolloServerPluginCacheControlDisabled(),
    staticCachePolicyPlugin<GraphQLContext>(gatewaySchema()),
  ];
  if (config.responseCache) {
    const publicReader = async (rc: { contextValue: GraphQLContext }) => rc.contextValue.viewer.kind !== 'admin';
    plugins.push(
      // In the server's cache: Redis when configured.
      ApolloServerPluginResponseCache<GraphQLContext>({
        // Public data reads the same for every caller, so anonymous and partner reads share entries.
        sessionId: async () => null,
        extraCacheKeyData: () => generation.current(),
        shouldReadFromCache: publicReader,
        shouldWriteToCache: publicReader,
      }),
    );
  }

  return {
    apollo: {
      plugins,
      validationRules: armorValidationRules(config.graphqlLimits),
      allowBatchedHttpRequests: config.batching,
      // Automatic persisted queries, in the server's cache; what is stored, for how long and how
      // much per caller is persistedQueryPolicyPlugin's to decide (persisted-queries.ts).
      persistedQueries: { cache: persistedQueries },
      cache: serverCache,
    },
    graphqlGuards: {
      identify: (headers, address) => identifyCaller(headers, undefined, address, config, apiKeys),
      cors: new CorsPolicy(config, apiKeys),
      shapeError: (payload) => requestShapeError(payload, config),
    },
    feeds: (serverCache) => {
      const router = express.Router();
      router.use('/feeds', authenticate(config, apiKeys, { acceptQueryKey: true }), corsPerKey(config, apiKeys));
      router.use(feedRouter({ config, feeds: services.services.feeds, limiter, cache: serverCache, generation }));
      return router;
    },
    invalidation: new CacheInvalidation(generation, logger),
    close: async () => {
      redis?.disconnect();
    },
  };
}
