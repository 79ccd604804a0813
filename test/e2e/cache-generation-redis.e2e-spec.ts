import Redis from 'ioredis';
import { RedisCacheGeneration } from '../../src/common/generation';
import { dropRedisPrefix, redisAvailable, REDIS_URL, uniqueRedisPrefix } from '../support/syndication';

/**
 * The response cache's generation on a real Redis, as several gateways share it: a watched
 * generation is told of every bump (its own, another gateway's, a writer's that does not watch)
 * without reading Redis on each call, follows a Redis that lost the key, and ends with its
 * connection.
 */
describe('the cache generation watched through Redis pub/sub', () => {
  let skip = false;
  const prefix = uniqueRedisPrefix();
  const connections: Redis[] = [];

  const connect = async (): Promise<Redis> => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    connections.push(redis);
    return redis;
  };

  /** Polls `read` until it gives `expected` (announcements take a moment to arrive), within 5 s. */
  const eventually = async (read: () => Promise<string>, expected: string): Promise<string> => {
    let value = await read();
    for (let tries = 0; value !== expected && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      value = await read();
    }
    return value;
  };

  /** Calls of GET on `redis` while `work` runs: zero once the watch is live. */
  const getsDuring = async (redis: Redis, work: () => Promise<unknown>): Promise<number> => {
    const gets = jest.spyOn(redis, 'get');
    try {
      await work();
      return gets.mock.calls.length;
    } finally {
      gets.mockRestore();
    }
  };

  /** Waits until the watched generation answers from memory. */
  const live = async (redis: Redis, generation: RedisCacheGeneration): Promise<void> => {
    for (let tries = 0; tries < 100; tries++) {
      if ((await getsDuring(redis, () => generation.current())) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the watch never became live');
  };

  beforeAll(async () => {
    skip = !(await redisAvailable());
  });
  afterAll(async () => {
    for (const redis of connections) if (redis.status !== 'end') await redis.quit().catch(() => undefined);
    if (!skip) await dropRedisPrefix(prefix);
  });

  const skipped = () => {
    if (skip) console.log(`skipped: no Redis answers at ${REDIS_URL} (CI starts one)`);
    return skip;
  };

  it('answers from memory, and hears of bumps by another gateway and by a writer that does not watch', async () => {
    if (skipped()) return;
    const [redisA, redisB, redisWriter] = [await connect(), await connect(), await connect()];
    const a = new RedisCacheGeneration(redisA, prefix, 'g1', { watch: true });
    const b = new RedisCacheGeneration(redisB, prefix, 'g1', { watch: true });
    const writer = new RedisCacheGeneration(redisWriter, prefix, 'g1');
    await live(redisA, a);
    await live(redisB, b);
    expect(await a.current()).toBe('0');

    // Its own bump is known when bump() returns; the other gateway's is announced to it.
    await a.bump();
    expect(await a.current()).toBe('1');
    expect(await eventually(() => b.current(), '1')).toBe('1');

    await writer.bump();
    await writer.bump();
    expect(await eventually(() => a.current(), '3')).toBe('3');
    expect(await eventually(() => b.current(), '3')).toBe('3');
    // The writer reads Redis every time (it does not watch); the watchers still do not.
    expect(await writer.current()).toBe('3');
    expect(await getsDuring(redisB, () => Promise.all([b.current(), b.current(), b.current()]))).toBe(0);
  });

  it('follows a Redis that lost the key (counting from 1 again) by reading it again', async () => {
    if (skipped()) return;
    const [redisA, redisWriter] = [await connect(), await connect()];
    const a = new RedisCacheGeneration(redisA, prefix, 'g2', { watch: true });
    const writer = new RedisCacheGeneration(redisWriter, prefix, 'g2');
    await live(redisA, a);
    for (let i = 0; i < 5; i++) await writer.bump();
    expect(await eventually(() => a.current(), '5')).toBe('5');

    // A restarted Redis keeps nothing: the generation starts again, below what the watch holds.
    await redisWriter.del(`${prefix}g2`);
    expect(await eventually(() => a.current(), '0')).toBe('0');
    await writer.bump();
    expect(await eventually(() => a.current(), '1')).toBe('1');
  });

  it('ends its own connection with the one it was made from', async () => {
    if (skipped()) return;
    const redis = await connect();
    const watched = new RedisCacheGeneration(redis, prefix, 'g3', { watch: true });
    await live(redis, watched);
    const observer = await connect();
    const watchConnections = async () => String(await observer.client('LIST')).split('\n').filter((line) => line.includes(`name=${prefix}g3:watch`)).length;
    expect(await watchConnections()).toBe(1);
    redis.disconnect();
    let left = await watchConnections();
    for (let tries = 0; left > 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      left = await watchConnections();
    }
    expect(left).toBe(0);
  });
});
