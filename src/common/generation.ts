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

/**
 * INCR and PUBLISH of the new value in one atomic step, so that no process that watches the
 * channel can miss a bump that happened (a process that dies between two commands could).
 */
const BUMP_AND_ANNOUNCE = "local value = redis.call('INCR', KEYS[1]) redis.call('PUBLISH', KEYS[1], value) return value";

/** How often a watched generation is read again anyway: the bound on staleness if an announcement is missed. */
const WATCH_REFRESH_MS = 1_000;

export class RedisCacheGeneration implements CacheGeneration {
  private readonly key: string;
  // Used only while Redis is unreachable, so cached entries written meanwhile cannot outlive a bump.
  private readonly fallback = new MemoryCacheGeneration();
  private watch: GenerationWatch | null = null;

  /**
   * `watch`: keep the value in memory, told of every bump through Redis pub/sub, rather than read
   * it on every call. The response cache's generation is read on every cacheable request, and the
   * read is a round trip before the cached answer can be asked for; watched, a cached answer costs
   * one round trip (the bucket's charge and the entry, sent together). Writers that only bump
   * leave it off.
   */
  constructor(
    private readonly redis: Redis,
    prefix: string,
    name = 'cache-generation',
    options: { watch?: boolean } = {},
  ) {
    this.key = `${prefix}${name}`;
    if (options.watch) this.watch = new GenerationWatch(redis, this.key);
  }

  current(): Promise<string> {
    return this.watch?.known() ?? this.read();
  }

  async bump(): Promise<void> {
    await this.fallback.bump();
    const value = await this.redis.eval(BUMP_AND_ANNOUNCE, 1, this.key);
    this.watch?.announced(String(value));
  }

  private async read(): Promise<string> {
    try {
      return (await this.redis.get(this.key)) ?? '0';
    } catch {
      return `local-${await this.fallback.current()}-${Date.now()}`;
    }
  }
}

/**
 * The generation kept in memory from Redis: read once the subscription to its bumps is live, then
 * replaced by every announced value, and read again every second in case an announcement was lost
 * (a bump by a version of this code that did not announce). Until the subscription is live, and
 * whenever it drops, there is no known value and callers read Redis as before. It ends with the
 * connection it was made from.
 */
class GenerationWatch {
  private value: Promise<string> | null = null;
  // The number behind `value`: announcements and this process's own bumps only ever raise it (they
  // arrive on two connections, in either order); a periodic read sets it as it is, which is how a
  // Redis that lost the key (and counts from 1 again) is followed.
  private number = -1;
  private readonly subscriber: Redis;
  // Bumped by every announcement: a read that started before one must not overwrite it.
  private announcements = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {
    // Named, so that CLIENT LIST shows what the extra connection is for.
    this.subscriber = redis.duplicate({ lazyConnect: false, enableAutoPipelining: false, connectionName: `${key}:watch` });
    this.subscriber.on('error', () => undefined); // the main connection logs outages
    this.subscriber.on('message', (_channel: string, value: string) => this.announced(value));
    this.subscriber.on('ready', () => {
      this.subscriber.subscribe(key).then(
        () => this.refresh(),
        () => undefined,
      );
    });
    for (const event of ['close', 'reconnecting', 'end']) this.subscriber.on(event, () => this.forget());
    this.timer = setInterval(() => {
      if (this.subscriber.status === 'ready') this.refresh();
    }, WATCH_REFRESH_MS).unref();
    redis.once('end', () => {
      clearInterval(this.timer);
      this.subscriber.disconnect();
    });
  }

  private forget(): void {
    this.value = null;
    this.number = -1;
  }

  /** The value while the watch is live; null when the caller must read Redis. */
  known(): Promise<string> | null {
    return this.value;
  }

  /** A bump announced on the channel, or made by this process: kept unless a newer one is known. */
  announced(value: string): void {
    this.announcements++;
    const number = Number(value);
    if (this.subscriber.status === 'ready' && this.value && number > this.number) this.set(number);
  }

  private set(number: number): void {
    this.number = number;
    this.value = Promise.resolve(String(number));
  }

  private refresh(): void {
    const before = this.announcements;
    this.redis.get(this.key).then(
      (value) => {
        if (this.announcements === before && this.subscriber.status === 'ready') this.set(Number(value ?? '0'));
      },
      () => this.forget(),
    );
  }
}
