import { loadConfig, type AppConfig } from '../../src/config/config';

/**
 * The end-to-end tests of the read API test the API itself, so the gateway's other layers (the
 * response cache, per-caller cost limits) must neither answer from a cache nor refuse the large
 * pages these tests read. They are configured the way an operator would, through the environment
 * variables; the database settings stay the test harness's.
 */
export const E2E_ENV: Record<string, string> = {
  LOG_LEVEL: 'silent',
  RESPONSE_CACHE: 'false',
  RATE_LIMIT_ANONYMOUS_PER_SECOND: '1000000',
  RATE_LIMIT_ANONYMOUS_BURST: '10000000',
  GRAPHQL_MAX_COST: '1000000',
  GRAPHQL_MAX_DEPTH: '20',
  GRAPHQL_MAX_ALIASES: '100',
  GRAPHQL_MAX_TOKENS: '100000',
  GRAPHQL_INTROSPECTION: 'true',
  // Every operation the compiled path answers is answered by it from its first request, so the
  // whole suite runs through it (GRAPHQL_COMPILE_AFTER=0 in the environment runs it through Apollo).
  GRAPHQL_COMPILE_AFTER: process.env.GRAPHQL_COMPILE_AFTER ?? '1',
  // The once-a-minute look for webhooks created elsewhere is a statement outside any request: the
  // suite's statement counts (sql-count, sql-snapshots) are process-wide and must not see it.
  WEBHOOK_ACTIVATION_CHECK_SECONDS: '0',
};

/** The configuration of E2E_ENV (plus `env`) without the database settings. */
export function e2eConfig(env: Record<string, string> = {}): Partial<AppConfig> {
  const { databaseUrl: _url, dataDir: _dir, databasePoolSize: _pool, ...rest } = loadConfig({ ...E2E_ENV, ...env });
  return rest;
}
