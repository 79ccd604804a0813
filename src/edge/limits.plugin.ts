import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { Kind, type FragmentDefinitionNode } from 'graphql';
import { OperationNotAllowedError, RateLimitedError } from '../common/errors/domain-errors';
import { currentRequest } from '../common/request-context';
import type { Viewer } from '../common/viewer';
import type { GatewayContext } from '../api/loaders';
import { toRequestError } from '../graphql/error-formatter';
import type { CostLimiter, LimitDecision } from './rate-limiter';
import { operationCost } from './query-cost';

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

export function rateLimitedError(decision: LimitDecision, cost: number): RateLimitedError {
  return new RateLimitedError(`Rate limit exceeded: this request costs ${cost} and the bucket cannot pay for it yet; retry in ${decision.retryAfterSeconds} s.`, {
    retryAfter: decision.retryAfterSeconds,
    cost,
  });
}

/**
 * After validation (so limits have already refused what they refuse) and before the response
 * cache or any resolver: a partner key's operation allowlist, then the caller's bucket, charged by
 * the operation's cost. Both refuse without a statement run; cached answers are charged too, or a
 * cache would make the limits meaningless.
 */
export function limitsPlugin(limiter: CostLimiter): ApolloServerPlugin<GatewayContext> {
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
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of requestContext.document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
          }
          const cost = operationCost(requestContext.schema, requestContext.operation, fragments, requestContext.request.variables);
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
