import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { OperationNotAllowedError, RateLimitedError } from '../common/errors/domain-errors';
import { currentRequest } from '../common/request-context';
import type { Viewer } from '../common/viewer';
import type { GatewayContext } from '../api/loaders';
import { toRequestError } from '../graphql/error-formatter';
import type { CostLimiter, LimitDecision } from './rate-limiter';
import { LIMIT_CODES } from './graphql-limits';
import { costLimitMessage, documentFragments, operationCost } from './query-cost';

/** The RateLimit header fields (IETF httpapi draft) and, when refused, Retry-After. */
export function rateLimitHeaders(decision: LimitDecision): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    // What this request was charged, so a client can budget (query-cost.ts explains the measure).
    ['x-query-cost', String(decision.cost)],
    ['ratelimit-limit', String(decision.limit)],
    ['ratelimit-remaining', String(decision.remaining)],
    ['ratelimit-reset', String(decision.resetSeconds)],
    ['ratelimit-policy', decision.policy],
  ];
  if (!decision.allowed) headers.push(['retry-after', String(decision.retryAfterSeconds)]);
  return headers;
}

/** Charges a caller; admins (operators) are not limited. Null means nothing was charged. */
export async function chargeViewer(limiter: CostLimiter, viewer: Viewer, cost: number): Promise<LimitDecision | null> {
  if (viewer.kind === 'admin') return null;
  return limiter.charge(viewer.kind === 'partner' ? 'partner' : 'anonymous', viewer.id, cost);
}

/**
 * The refusal of an operation costlier than GRAPHQL_MAX_COST (query-cost.ts): HTTP 400,
 * `QUERY_TOO_COMPLEX`, with the operation's cost and the limit. Null when it is within the limit.
 */
function costLimitError(cost: number, maxCost: number): GraphQLError | null {
  if (cost <= maxCost) return null;
  return new GraphQLError(costLimitMessage(maxCost, cost), { extensions: { code: LIMIT_CODES.cost, cost, maxCost, http: { status: 400 } } });
}

export function rateLimitedError(decision: LimitDecision, cost: number): RateLimitedError {
  return new RateLimitedError(`Rate limit exceeded: this request costs ${cost} and the bucket cannot pay for it yet; retry in ${decision.retryAfterSeconds} s.`, {
    retryAfter: decision.retryAfterSeconds,
    cost,
  });
}

/**
 * After validation (so armor's limits have already refused what they refuse) and before the
 * response cache or any resolver: a partner key's operation allowlist, then the operation's cost
 * (query-cost.ts, with the request's variables) against GRAPHQL_MAX_COST, then the caller's bucket,
 * charged by that cost. All refuse without a statement run; cached answers are charged too, or a
 * cache would make the limits meaningless.
 */
export function limitsPlugin(limiter: CostLimiter, maxCost: number): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let decision: LimitDecision | null = null;
      return {
        async didResolveOperation(requestContext) {
          const { viewer } = requestContext.contextValue;
          const allowed = viewer.apiKey?.allowedOperations;
          if (allowed && !allowed.includes(requestContext.queryHash ?? '')) {
            throw toRequestError(
              new OperationNotAllowedError('This API key may only run its registered persisted operations.', { queryHash: requestContext.queryHash }),
            );
          }
          if (!requestContext.operation) return;
          const cost = operationCost(requestContext.schema, requestContext.operation, documentFragments(requestContext.document), requestContext.request.variables);
          const tooComplex = costLimitError(cost, maxCost);
          if (tooComplex) throw tooComplex;
          // The compiled path may have charged this request already (src/http/compiled-operations.ts).
          const charged = currentRequest()?.charged;
          decision = charged ? charged.decision : await chargeViewer(limiter, viewer, cost);
          if (decision && !decision.allowed) {
            const error = toRequestError(rateLimitedError(decision, cost));
            (error.extensions.http as { headers?: HeaderMap }).headers = new HeaderMap(rateLimitHeaders(decision));
            throw error;
          }
        },
        async willSendResponse(requestContext) {
          if (!decision) return;
          for (const [name, value] of rateLimitHeaders(decision)) requestContext.response.http.headers.set(name, value);
        },
      };
    },
  };
}
