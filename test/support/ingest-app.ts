import { loadConfig, type AppConfig } from '../../src/config/config';
import type { GraphQLResponse, TestApp } from './test-app';

/** The admin token ingestion tests use (ADMIN_TOKEN must be at least 24 characters). */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * Configuration for ingestion tests, as an operator would set it: an admin token, the fixture
 * server's address opened with FETCH_ALLOWLIST (everything else private stays refused), a short
 * fetch deadline so the trickling server ends quickly, and no worker (tests run sources
 * themselves with refreshSource).
 */
export function ingestConfig(env: Record<string, string> = {}): Partial<AppConfig> {
  const { databaseUrl: _url, dataDir: _dir, databasePoolSize: _pool, ...config } = loadConfig({
    LOG_LEVEL: 'silent',
    // Other layers of the gateway (response cache, cost limits) stay out of these tests' way.
    RESPONSE_CACHE: 'false',
    RATE_LIMIT_ANONYMOUS_PER_SECOND: '1000000',
    RATE_LIMIT_ANONYMOUS_BURST: '10000000',
    ADMIN_TOKEN,
    FETCH_ALLOWLIST: '127.0.0.1',
    FETCH_TIMEOUT_MS: '3000',
    WORKER_ENABLED: 'false',
    ...env,
  });
  return config;
}

/** Data of a response that must have succeeded, with the errors in the failure message otherwise. */
export function ok<T = any>(res: GraphQLResponse<T>): T {
  if (res.errors || res.status !== 200 || !res.data) throw new Error(`expected a successful response, got HTTP ${res.status}: ${res.raw.slice(0, 2000)}`);
  return res.data;
}

/** An admin operation that must succeed. */
export async function admin<T = any>(app: TestApp, query: string, variables?: Record<string, unknown>): Promise<T> {
  return ok<T>(await app.gql<T>(query, variables, ADMIN));
}

export const SOURCE_STATUS_FIELDS = `id slug name feedUrls fetchStatus { state intervalMinutes timeZone lastFetchAt lastSuccessAt lastError lastErrorAt nextRunAt consecutiveFailures itemsSeen itemsSeenTotal running feeds { url lastFetchedAt lastStatus lastError itemsSeen } }`;
export const RUN_FIELDS = `outcome durationMs itemsSeen articlesCreated articlesUpdated articlesUnchanged feedItemsWritten peopleCreated pagesFetched error feeds { url outcome httpStatus error itemsSeen }`;

export async function addSource(app: TestApp, input: Record<string, unknown>): Promise<{ id: string; slug: string; feedUrls: string[] }> {
  const data = await admin(app, `mutation($input: AddSourceInput!) { addSource(input: $input) { id slug feedUrls } }`, { input });
  return data.addSource;
}

export async function refresh(app: TestApp, id: string): Promise<{ run: any; source: any }> {
  const data = await admin(app, `mutation($id: ID!) { refreshSource(id: $id) { run { ${RUN_FIELDS} } source { ${SOURCE_STATUS_FIELDS} } } }`, { id });
  return data.refreshSource;
}

export type { GraphQLResponse };
