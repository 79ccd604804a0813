import type Redis from 'ioredis';

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
