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
