import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimitDecision } from '../common/limit-decision';
import type { AppConfig } from '../config/config';

export type LimitTier = 'anonymous' | 'partner';

export type { LimitDecision } from '../common/limit-decision';

interface Bucket {
  perSecond: number;
  /** The bucket's capacity: RATE_LIMIT_*_BURST, what RateLimit-Limit says. */
  capacity: number;
  /** The sustained rate: `perSecond` points in each one-second window. */
  sustained: RateLimiterAbstract;
  /** The rest of the capacity (`capacity - perSecond`), refilled over `refillSeconds`; null when there is none. */
  reserve: RateLimiterAbstract | null;
  reservePoints: number;
  refillSeconds: number;
}

/**
 * A token bucket per caller, charged by query cost, built the way rate-limiter-flexible builds one
 * (its BurstyRateLimiter): a steady per-second limiter backed by a reserve that refills over
 * `burst / perSecond` seconds. The two together hold `burst` points (RATE_LIMIT_*_BURST, at least
 * `perSecond`): the per-second window's `perSecond` and a reserve of the rest, so a caller with a
 * full bucket can spend exactly `burst` at once, and RateLimit-Limit says `burst`. (The reserve
 * used to hold the whole `burst` beside the window, so the header said 2,050 for a documented
 * 2,000.) Composed here rather than through BurstyRateLimiter itself because the RateLimit
 * headers need both limiters' state. With Redis the counters live there (atomic Lua, shared by
 * every gateway), with an in-process limiter as insurance while Redis is unreachable.
 */
export class CostLimiter {
  private readonly buckets: Record<LimitTier, Bucket>;

  constructor(
    config: AppConfig,
    private readonly redis: Redis | null,
  ) {
    const build = (tier: LimitTier): Bucket => {
      const { perSecond, burst } = config.rateLimits[tier];
      const capacity = Math.max(burst, perSecond);
      const reservePoints = capacity - perSecond;
      const refillSeconds = Math.max(1, Math.ceil(capacity / perSecond));
      const make = (name: string, points: number, duration: number): RateLimiterAbstract => {
        const options = { points, duration, keyPrefix: `${config.redisKeyPrefix}rl:${tier}:${name}` };
        if (!redis) return new RateLimiterMemory(options);
        return new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(options) });
      };
      return {
        perSecond,
        capacity,
        reservePoints,
        refillSeconds,
        sustained: make('sustained', perSecond, 1),
        reserve: reservePoints > 0 ? make('reserve', reservePoints, refillSeconds) : null,
      };
    };
    this.buckets = { anonymous: build('anonymous'), partner: build('partner') };
  }

  async charge(tier: LimitTier, caller: string, cost: number): Promise<LimitDecision> {
    const bucket = this.buckets[tier];
    const points = Math.max(1, Math.ceil(cost));
    const [sustained, reserveBefore] = await Promise.all([settle(bucket.sustained.consume(caller, points)), bucket.reserve ? this.readReserve(bucket.reserve, bucket.reservePoints, caller) : null]);
    let allowed = sustained.allowed;
    let reserve: ReserveState | null = reserveBefore;
    if (!allowed && bucket.reserve) {
      // The refused charge has used up this second's window (its counter now holds it), so the
      // reserve pays only what the window could not: a full bucket pays up to `burst` at once.
      const windowHad = Math.max(0, bucket.perSecond - (sustained.res.consumedPoints - points));
      const drawn = await settle(bucket.reserve.consume(caller, Math.max(1, points - windowHad)));
      allowed = drawn.allowed;
      reserve = drawn.res;
    }
    const reserveLeft = reserve ? Math.max(0, reserve.remainingPoints) : bucket.reservePoints;
    const reserveMs = reserve ? reserve.msBeforeNext : 0;
    const limit = bucket.capacity;
    let retryAfterMs = 0;
    if (!allowed) {
      // A charge no one-second window can hold waits for the reserve; a smaller one for the next second.
      retryAfterMs = points > bucket.perSecond ? reserveMs : Math.min(sustained.res.msBeforeNext, reserveMs || Infinity);
      if (points > limit) retryAfterMs = bucket.refillSeconds * 1000;
    }
    return {
      allowed,
      cost: points,
      limit,
      remaining: Math.min(limit, Math.max(0, sustained.res.remainingPoints) + reserveLeft),
      resetSeconds: Math.ceil(Math.max(sustained.res.msBeforeNext, reserveMs) / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(retryAfterMs / 1000)),
      policy: `${limit};w=${bucket.refillSeconds}`,
    };
  }

  /**
   * The reserve's state for the headers, null while the caller has not drawn on it. With Redis it
   * is read with a plain GET and PTTL, which ioredis's auto-pipelining sends in the same write as
   * the charge's script and the cached answer; rate-limiter-flexible's own `get` is a MULTI
   * transaction, sent on its own (about half of the Redis client's CPU per cached request,
   * measured with the library's calls alone). The read feeds the headers only, so the two values
   * need not be atomic: a PTTL of an expired key reads as a reset due now. A failed read, or Redis
   * not ready, falls back to the limiter's own `get`, answered by its in-process insurance.
   */
  private async readReserve(reserve: RateLimiterAbstract, points: number, caller: string): Promise<ReserveState | null> {
    if (this.redis?.status === 'ready') {
      try {
        const key = reserve.getKey(caller);
        const [consumed, ttl] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
        if (consumed === null) return null;
        return { remainingPoints: Math.max(points - Number.parseInt(consumed, 10), 0), msBeforeNext: Math.max(ttl, 0) };
      } catch {
        // answered below
      }
    }
    return reserve.get(caller).catch(() => null);
  }
}

/** What the headers need of the reserve. */
interface ReserveState {
  remainingPoints: number;
  msBeforeNext: number;
}

async function settle(promise: Promise<RateLimiterRes>): Promise<{ allowed: boolean; res: RateLimiterRes }> {
  try {
    return { allowed: true, res: await promise };
  } catch (rejection) {
    // rate-limiter-flexible rejects with a RateLimiterRes when over the limit, with an Error when
    // the store failed and no insurance could answer.
    if (rejection instanceof RateLimiterRes) return { allowed: false, res: rejection };
    throw rejection;
  }
}

/**
 * How many new automatic persisted queries one caller (client address or partner key) may
 * register per hour: a fixed window per caller, in Redis when configured (shared by every
 * gateway, with an in-process limiter as insurance) or in the process. See persisted-queries.ts.
 */
export class RegistrationLimiter {
  private readonly limiters: Record<LimitTier, RateLimiterAbstract>;

  constructor(config: AppConfig, redis: Redis | null) {
    const build = (tier: LimitTier): RateLimiterAbstract => {
      const options = { points: config.persistedQueries.registrationsPerHour[tier], duration: 3600, keyPrefix: `${config.redisKeyPrefix}rl:apq:${tier}` };
      if (!redis) return new RateLimiterMemory(options);
      return new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(options) });
    };
    this.limiters = { anonymous: build('anonymous'), partner: build('partner') };
  }

  /** Takes one registration from the caller's hour; false when none is left. */
  async take(tier: LimitTier, caller: string): Promise<boolean> {
    return (await settle(this.limiters[tier].consume(caller, 1))).allowed;
  }
}
