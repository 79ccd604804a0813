import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import { connectRedis } from './redis';
import { MemoryCacheGeneration, RedisCacheGeneration, type CacheGeneration } from '../common/generation';

/**
 * What writers call after they store new headlines or articles (the ingestion pipeline after each
 * batch, the seed): every cached response and feed built before then stops being served, on every
 * gateway sharing the cache, so a cached sidebar is never staler than its hint allows.
 */
export class CacheInvalidation {
  constructor(
    private readonly generation: CacheGeneration,
    private readonly logger?: Logger,
  ) {}

  /**
   * New or changed items were stored: end every cached public response. Never throws: the items
   * are stored either way, and if Redis cannot be told, cached copies lapse by their max-age.
   */
  async newItemsStored(): Promise<void> {
    try {
      await this.generation.bump();
    } catch (error) {
      this.logger?.warn({ err: error }, 'could not end cached responses; they expire by their max-age');
    }
  }
}

/** The name of the response cache's generation: its Redis key, and the embedded database's change signal. */
export const RESPONSE_CACHE_SIGNAL = 'cache-generation';

/**
 * For processes other than the gateway (CLI seed, ingestion worker): with REDIS_URL they bump the
 * shared generation the gateways read; on the embedded database (`db`) its change signal, which
 * reaches the gateway that owns the database; otherwise there is no shared cache to end, and the
 * in-process one of a separate gateway lapses by its max-age.
 */
export async function openCacheInvalidation(config: AppConfig, logger: Logger, db?: SqlExecutor): Promise<{ invalidation: CacheInvalidation; close(): Promise<void> }> {
  if (!config.redisUrl) {
    const generation = db?.changes?.generation(RESPONSE_CACHE_SIGNAL) ?? new MemoryCacheGeneration();
    return { invalidation: new CacheInvalidation(generation, logger), close: async () => undefined };
  }
  const redis = await connectRedis(config.redisUrl, logger);
  return {
    invalidation: new CacheInvalidation(new RedisCacheGeneration(redis, config.redisKeyPrefix), logger),
    close: async () => {
      redis.disconnect();
    },
  };
}
