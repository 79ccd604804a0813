import type { AppConfig } from '../config/config';
import { earlyResponse, type EarlyResponse } from './error-response';
import { LIMIT_CODES, withinTokenLimit } from './graphql-limits';

/**
 * Checks on a GraphQL request's shape, before Apollo spends anything on it: a JSON array of
 * operations is refused unless batching is enabled, and a document over the token limit is
 * refused unparsed. `operations` is the POST body, or the GET query parameters.
 */
export function requestShapeError(payload: unknown, config: AppConfig): EarlyResponse | null {
  if (Array.isArray(payload) && !config.batching) {
    return earlyResponse(400, 'Batched operations are not enabled on this server: send one operation per request.', 'BATCHING_DISABLED');
  }
  for (const operation of Array.isArray(payload) ? payload : [payload]) {
    const query = (operation as { query?: unknown } | null)?.query;
    if (typeof query === 'string' && !withinTokenLimit(query, config.graphqlLimits.maxTokens)) {
      return earlyResponse(400, `The document has more than ${config.graphqlLimits.maxTokens} tokens.`, LIMIT_CODES.tokens);
    }
  }
  return null;
}
