import type { ApolloServerPlugin } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import type { Viewer } from '../common/viewer';
import type { GatewayContext } from '../api/loaders';
import type { RegistrationLimiter } from './rate-limiter';

/**
 * Where Apollo looks up a hash-only request: its own prefix for persisted queries (APQ_CACHE_PREFIX
 * in @apollo/server's request pipeline), inside the cache it is given. The round trip in
 * persisted-queries.e2e-spec.ts fails if the two ever part.
 */
const APOLLO_APQ_PREFIX = 'apq:';

/**
 * Apollo's store of automatic persisted queries, with its writes taken away from it. Apollo
 * stores every query a caller registers, for one TTL and whatever its size: anonymous callers put
 * 2,500 comment-padded queries of ~115 KB each into Redis in 10 s, kept for a day. Here lookups
 * go through as before; Apollo's own write is dropped, and the registration policy below writes
 * instead, with the caller's size, budget and TTL.
 */
export class PersistedQueryStore implements KeyValueCache<string> {
  constructor(private readonly inner: KeyValueCache<string>) {}

  get(key: string): Promise<string | undefined> {
    return this.inner.get(key);
  }

  async set(): Promise<void> {
    // Registrations are written by persistedQueryPolicyPlugin.
  }

  delete(key: string): Promise<boolean | void> {
    return this.inner.delete(key);
  }

  async has(hash: string): Promise<boolean> {
    return (await this.inner.get(APOLLO_APQ_PREFIX + hash)) !== undefined;
  }

  register(hash: string, query: string, ttlSeconds: number): Promise<void> {
    return this.inner.set(APOLLO_APQ_PREFIX + hash, query, { ttl: ttlSeconds });
  }
}

type RegistrationOutcome = 'stored' | 'known' | 'too-large' | 'over-budget';

/**
 * What a caller may register, decided when Apollo has validated the operation and every limit has
 * let it through (so a refused request registers nothing), and before the response cache answers:
 *
 * - size: a query text over `maxQueryLength` characters is not stored (comments and whitespace
 *   count; our own operations are under 1,000);
 * - budget: each caller (client address, partner key) stores at most `registrationsPerHour` new
 *   queries an hour; admins are not counted;
 * - time: anonymous registrations live `ttlSeconds.anonymous` (an hour by default), partners' and
 *   admins' `ttlSeconds.partner` (a day).
 *
 * A query that is not stored still runs: the caller's next hash-only request gets
 * PERSISTED_QUERY_NOT_FOUND and, as the APQ protocol has every client do, sends the text again.
 * A hash already stored is neither charged nor rewritten.
 */
export function persistedQueryPolicyPlugin(
  store: PersistedQueryStore,
  limiter: RegistrationLimiter,
  policy: AppConfig['persistedQueries'],
  logger: Logger,
): ApolloServerPlugin<GatewayContext> {
  const decide = async (viewer: Viewer, hash: string, query: string): Promise<RegistrationOutcome> => {
    if (query.length > policy.maxQueryLength) return 'too-large';
    if (await store.has(hash)) return 'known';
    if (viewer.kind !== 'admin' && !(await limiter.take(viewer.kind, viewer.id))) return 'over-budget';
    await store.register(hash, query, viewer.kind === 'anonymous' ? policy.ttlSeconds.anonymous : policy.ttlSeconds.partner);
    return 'stored';
  };
  return {
    async requestDidStart() {
      return {
        async responseForOperation(requestContext) {
          const { queryHash, source } = requestContext;
          if (!requestContext.metrics.persistedQueryRegister || !queryHash || source === undefined) return null;
          try {
            const outcome = await decide(requestContext.contextValue.viewer, queryHash, source);
            if (outcome === 'too-large' || outcome === 'over-budget') {
              logger.debug({ outcome, length: source.length }, 'persisted query not stored');
            }
          } catch (error) {
            // A store that cannot be reached costs the registration, never the request.
            logger.warn({ err: error }, 'persisted query registration failed');
          }
          return null;
        },
      };
    },
  };
}
