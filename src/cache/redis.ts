import Redis from 'ioredis';
import type { Logger } from 'pino';

/**
 * One Redis connection per process, shared by the limiter, the response cache, persisted queries
 * and the cache generation. Commands fail at once while Redis is down (no offline queue) so a request never waits
 * on it: the limiter falls back to its in-process insurance and the cache reads as a miss.
 */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    // Commands issued in the same tick (the bucket's charge, the cache generation and the cached
    // answer of many concurrent requests) go out in one write: fewer syscalls per request.
    enableAutoPipelining: true,
  });
  let warned = false;
  redis.on('error', (error) => {
    // ioredis retries by itself; one line per outage is enough.
    if (!warned) logger.warn({ err: error }, 'redis unavailable; limits and caches run in-process until it is back');
    warned = true;
  });
  redis.on('ready', () => {
    // Said once the outage that was warned about is over, so the log shows both ends of it.
    if (warned) logger.info('redis reachable again; limits and caches are shared through it');
    warned = false;
  });
  // A gateway starts without Redis too (ioredis keeps reconnecting): limits and caches are then
  // in-process until it answers, which beats refusing all traffic.
  await redis.connect().catch((error: unknown) => logger.warn({ err: error }, 'redis unreachable at start; retrying in the background'));
  return redis;
}

/** Whether a Redis answers at `url` within a second (benchmarks and tests decide what to run). */
export async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
