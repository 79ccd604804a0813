import type Redis from 'ioredis';
import type { SqlExecutor } from '../db/sql-executor';
import { KEY_REVOCATIONS } from './api-key.service';
import { MemoryCacheGeneration, RedisCacheGeneration, type CacheGeneration } from '../common/generation';

const embeddedSignals = new WeakMap<SqlExecutor, MemoryCacheGeneration>();

/**
 * The signal every process that can revoke a key also sees, or null when there is none and keys
 * must be read from the database on every request: Redis when configured; for the embedded
 * database, its change signal, which a `newsgate keys revoke` run through the owning gateway
 * bumps there too (one in-process signal per database when there is none).
 */
export function keyRevocationSignal(options: { redis: Redis | null; redisKeyPrefix: string; databaseUrl: string | null; db: SqlExecutor }): CacheGeneration | null {
  if (options.redis) return new RedisCacheGeneration(options.redis, options.redisKeyPrefix, KEY_REVOCATIONS);
  if (options.databaseUrl) return null;
  const shared = options.db.changes?.generation(KEY_REVOCATIONS);
  if (shared) return shared;
  let signal = embeddedSignals.get(options.db);
  if (!signal) embeddedSignals.set(options.db, (signal = new MemoryCacheGeneration()));
  return signal;
}
