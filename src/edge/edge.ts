/**
 * The edge: everything that decides about a request before resolvers run. Who is calling (admin
 * token, partner key, client address: authentication.ts, auth-checker.ts), CORS (cors.ts), the
 * request's shape (request-guards.ts), graphql-armor's limits, the length of every text argument
 * (input-limits.plugin.ts), the caller's token bucket charged by the operation's cost
 * (rate-limiter.ts, query-cost.ts, limits.plugin.ts) and automatic persisted queries. It may read
 * graphql/'s context types, cache/ and the domains' services; it never imports http/.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { RequestHandler } from 'express';
import type { ValidationRule } from 'graphql';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import type { ApiKeyService } from '../api-key/api-key.service';
import type { Viewer } from '../common/viewer';
import type { AppConfig } from '../config/config';
import type { GatewayContext } from '../api/loaders';
import { gatewaySchema } from '../api/schema';
import { authenticate, identifyCaller } from './authentication';
import { corsPerKey, CorsPolicy } from './cors';
import type { EarlyResponse } from './error-response';
import { armorValidationRules } from './graphql-limits';
import { inputLimitsPlugin } from './input-limits.plugin';
import { limitsPlugin } from './limits.plugin';
import { PersistedQueryStore, persistedQueryPolicyPlugin } from './persisted-queries';
import { CostLimiter, RegistrationLimiter } from './rate-limiter';
import { requestShapeError } from './request-guards';

/** What /graphql checks before Apollo sees a request: who is calling, CORS, the request's shape. */
export interface GraphQLGuards {
  identify(headers: IncomingHttpHeaders, address: string): Promise<Viewer>;
  cors: CorsPolicy;
  shapeError(payload: unknown): EarlyResponse | null;
}

export interface Edge {
  /** Apollo plugins, in the order they must run: before the cache's plugins. */
  plugins: ApolloServerPlugin<GatewayContext>[];
  validationRules: ValidationRule[];
  /** Automatic persisted queries, stored in the server's cache under their own policy. */
  persistedQueries: KeyValueCache<string>;
  graphqlGuards: GraphQLGuards;
  /** Express middlewares for the feeds: the caller (also from `?key=`) and CORS. */
  feedGuards: RequestHandler[];
  /** Token buckets per caller, shared with the feeds. */
  limiter: CostLimiter;
}

export interface EdgeDeps {
  config: AppConfig;
  apiKeys: ApiKeyService;
  /** Shared by every gateway process when configured: the limiters count there. */
  redis: Redis | null;
  /** The server's cache, where persisted queries are kept. */
  serverCache: KeyValueCache<string>;
  logger: Logger;
}

export function createEdge({ config, apiKeys, redis, serverCache, logger }: EdgeDeps): Edge {
  const persistedQueries = new PersistedQueryStore(serverCache);
  const limiter = new CostLimiter(config, redis);
  return {
    plugins: [
      // Every string argument within its length before anything runs.
      inputLimitsPlugin<GatewayContext>(gatewaySchema()),
      limitsPlugin(limiter, config.graphqlLimits.maxCost),
      // Before the response cache, whose cached answers end the responseForOperation hooks.
      persistedQueryPolicyPlugin(persistedQueries, new RegistrationLimiter(config, redis), config.persistedQueries, logger),
    ],
    validationRules: armorValidationRules(config.graphqlLimits),
    persistedQueries,
    graphqlGuards: {
      identify: (headers, address) => identifyCaller(headers, undefined, address, config, apiKeys),
      cors: new CorsPolicy(config, apiKeys),
      shapeError: (payload) => requestShapeError(payload, config),
    },
    feedGuards: [authenticate(config, apiKeys, { acceptQueryKey: true }), corsPerKey(config, apiKeys)],
    limiter,
  };
}
