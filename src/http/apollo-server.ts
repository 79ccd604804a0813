import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { ValidationRule } from 'graphql';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import type { GatewayContext } from '../api/loaders';
import { createErrorFormatter } from '../graphql/error-formatter';
import { countingErrors, operationNamePlugin } from '../graphql/observability';
import { gatewaySchema } from '../api/schema';
import type { GatewayMetrics } from '../metrics/metrics';
import { EXPLORER_EXAMPLE } from './pages/explorer-example';
import { GRAPHIQL_PATH } from './pages/graphiql.routes';
import { withOfflineNotice } from './pages/landing-page';

export interface ApolloDeps {
  config: AppConfig;
  logger: Logger;
  metrics: GatewayMetrics | null;
  /** The edge's and the cache's plugins, in the order they run. */
  plugins: ApolloServerPlugin<GatewayContext>[];
  validationRules: ValidationRule[];
  persistedQueries: KeyValueCache<string>;
  cache: KeyValueCache<string>;
}

/** Apollo Server 5 over the gateway's schema, started; /graphql (graphql-endpoint.ts) feeds it requests. */
export async function startApollo({ config, logger, metrics, plugins, validationRules, persistedQueries, cache }: ApolloDeps): Promise<ApolloServer<GatewayContext>> {
  const apollo = new ApolloServer<GatewayContext>({
    schema: gatewaySchema(),
    validationRules,
    allowBatchedHttpRequests: config.batching,
    persistedQueries: { cache: persistedQueries },
    cache,
    // Our own setting (config.ts), never Apollo's guess from NODE_ENV.
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (HTTP, then Apollo, then the database); Apollo's own signal handlers
    // would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    // Field suggestions ("Did you mean …?") only where introspection shows the schema anyway.
    formatError: countingErrors(createErrorFormatter(logger, { suggestions: config.introspection }), metrics),
    plugins: [
      ...plugins,
      operationNamePlugin<GatewayContext>(),
      config.landingPage
        ? withOfflineNotice(
            ApolloServerPluginLandingPageLocalDefault({
              embed: { endpointIsEditable: false, initialState: { pollForSchemaUpdates: false } },
              includeCookies: false,
              document: EXPLORER_EXAMPLE.document,
              variables: { ...EXPLORER_EXAMPLE.variables },
            }),
            // Sandbox loads from Apollo's servers; offline, its page points to our own GraphiQL.
            config.graphiql ? GRAPHIQL_PATH : null,
          )
        : ApolloServerPluginLandingPageDisabled(),
    ],
    logger,
  });
  await apollo.start();
  return apollo;
}
