/**
 * Caching: the @cacheControl hints types and fields carry (cache-hints.ts), the cache policy read
 * from them once per document (static-cache-policy.plugin.ts), the response cache and the server's
 * key-value store (response-cache.store.ts: Redis when configured), the generation that ends every
 * cached response when new items are stored (cache-invalidation.ts), and the Redis connection
 * (redis.ts). It imports nothing of graphql/, edge/ or http/: the schema comes in as an argument.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import ApolloServerPluginResponseCache from '@apollo/server-plugin-response-cache';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { GraphQLSchema } from 'graphql';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { MemoryCacheGeneration, RedisCacheGeneration, type CacheGeneration } from '../common/generation';
import type { Viewer } from '../common/viewer';
import type { AppConfig } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import { CacheInvalidation, RESPONSE_CACHE_SIGNAL } from './cache-invalidation';
import { connectRedis } from './redis';
import { RedisKeyValueCache } from './response-cache.store';
import { staticCachePolicyPlugin } from './static-cache-policy.plugin';

export interface Caches {
  /** The Redis connection when REDIS_URL is set, shared with the limiters. */
  redis: Redis | null;
  /** The server's cache (responses, persisted queries, feeds). */
  serverCache: KeyValueCache<string>;
  /** Part of every cache key: bumping it ends every cached response and feed. */
  generation: CacheGeneration;
  invalidation: CacheInvalidation;
  close(): Promise<void>;
}

/**
 * With REDIS_URL the caches and the generation are shared by every gateway process; without it
 * they are in-process (the generation: the embedded database's signal, which newsgate commands run
 * beside this process also bump, so a seed ends cached responses at once).
 */
export async function openCaches(config: AppConfig, db: SqlExecutor, logger: Logger): Promise<Caches> {
  const redis: Redis | null = config.redisUrl ? await connectRedis(config.redisUrl, logger) : null;
  // Made here rather than by Apollo, so that persisted queries can be written with their own TTL.
  const serverCache: KeyValueCache<string> = redis ? new RedisKeyValueCache(redis, `${config.redisKeyPrefix}cache:`, logger) : new InMemoryLRUCache<string>();
  const generation: CacheGeneration = redis
    ? new RedisCacheGeneration(redis, config.redisKeyPrefix, RESPONSE_CACHE_SIGNAL, { watch: true })
    : (db.changes?.generation(RESPONSE_CACHE_SIGNAL) ?? new MemoryCacheGeneration());
  return {
    redis,
    serverCache,
    generation,
    invalidation: new CacheInvalidation(generation, logger),
    close: async () => {
      redis?.disconnect();
    },
  };
}

/**
 * The cache's Apollo plugins. Cache policies come from the @cacheControl hints once per document,
 * not from Apollo's per-field hooks; anything without a hint is not cacheable (max-age 0): admin
 * data, and types nobody has judged yet. With the response cache on, public reads (anyone but an
 * admin) are answered from the server's cache under the current generation.
 */
export function cachePlugins<TContext extends { viewer: Viewer }>(schema: GraphQLSchema, generation: CacheGeneration, responseCache: boolean): ApolloServerPlugin<TContext>[] {
  const plugins: ApolloServerPlugin<TContext>[] = [ApolloServerPluginCacheControlDisabled(), staticCachePolicyPlugin<TContext>(schema)];
  if (responseCache) {
    const publicReader = async (rc: { contextValue: TContext }) => rc.contextValue.viewer.kind !== 'admin';
    plugins.push(
      ApolloServerPluginResponseCache<TContext>({
        // Public data reads the same for every caller, so anonymous and partner reads share entries.
        sessionId: async () => null,
        extraCacheKeyData: () => generation.current(),
        shouldReadFromCache: publicReader,
        shouldWriteToCache: publicReader,
      }),
    );
  }
  return plugins;
}
