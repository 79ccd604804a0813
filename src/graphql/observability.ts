import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { currentRequest } from '../common/request-context';
import type { GatewayMetrics } from '../metrics/metrics';

/**
 * Names the request's GraphQL operation in the request context once Apollo resolved it, for the
 * access line and the per-operation metrics ('' when anonymous; a batch keeps its last one).
 * Requests that fail before (syntax, validation) stay unnamed.
 */
export function operationNamePlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const request = currentRequest();
      if (!request) return;
      return {
        async didResolveOperation({ operationName }) {
          request.operation = operationName ?? '';
        },
      };
    },
  };
}

type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** Counts every error a response carries by the code it is sent with (after src/graphql/error-formatter.ts). */
export function countingErrors(format: ErrorFormatter, metrics: GatewayMetrics | null): ErrorFormatter {
  return (formatted, error) => {
    const sent = format(formatted, error);
    const request = currentRequest();
    if (request) request.graphqlErrors++;
    metrics?.graphqlError(sent.extensions?.code);
    return sent;
  };
}
