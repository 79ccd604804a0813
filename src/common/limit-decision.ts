/** A rate limiter's answer to one charge (src/edge/rate-limiter.ts), as headers and errors report it. */
export interface LimitDecision {
  allowed: boolean;
  /** Points this request was charged. */
  cost: number;
  /** Bucket size: the most a caller can spend at once. */
  limit: number;
  /** Points left after this charge. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds to wait before this charge can pass (0 when allowed). */
  retryAfterSeconds: number;
  /** `RateLimit-Policy`: the bucket and the window it refills over. */
  policy: string;
}
