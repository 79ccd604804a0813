import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type Redis from 'ioredis';
import type { Logger } from 'pino';

/**
 * Apollo's KeyValueCache over Redis, for the response cache and persisted queries: every gateway
 * process reads what another stored. A Redis error reads as a miss and skips the write, so an
 * outage costs speed, never a failed request.
 */
export class RedisKeyValueCache implements KeyValueCache<string> {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(this.prefix + key)) ?? undefined;
    } catch (error) {
      this.logger.debug({ err: error }, 'redis cache read failed');
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    try {
      const ttl = options?.ttl;
      if (ttl != null && ttl > 0) await this.redis.set(this.prefix + key, value, 'EX', Math.ceil(ttl));
      else if (ttl == null) await this.redis.set(this.prefix + key, value);
    } catch (error) {
      this.logger.debug({ err: error }, 'redis cache write failed');
    }
  }

  async delete(key: string): Promise<boolean | void> {
    try {
      await this.redis.del(this.prefix + key);
    } catch (error) {
      this.logger.debug({ err: error }, 'redis cache delete failed');
    }
  }
}

/**
 * A number that changes whenever cached public data may be stale. It is part of every cache key,
 * so bumping it ends every cached response at once, on every process sharing the store; the old
 * entries simply expire.
 */
export interface CacheGeneration {
  current(): Promise<string>;
  bump(): Promise<void>;
}

export class MemoryCacheGeneration implements CacheGeneration {
  private value = 0;

  async current(): Promise<string> {
    return String(this.value);
  }

  async bump(): Promise<void> {
    this.value++;
  }
}

export class RedisCacheGeneration implements CacheGeneration {
  private readonly key: string;
  // Used only while Redis is unreachable, so cached entries written meanwhile cannot outlive a bump.
  private readonly fallback = new MemoryCacheGeneration();

  constructor(
    private readonly redis: Redis,
    prefix: string,
    name = 'cache-generation',
  ) {
    this.key = `${prefix}${name}`;
  }

  async current(): Promise<string> {
    try {
      return (await this.redis.get(this.key)) ?? '0';
    } catch {
      return `local-${await this.fallback.current()}-${Date.now()}`;
    }
  }

  async bump(): Promise<void> {
    await this.fallback.bump();
    await this.redis.incr(this.key);
  }
}
