import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { AppConfig } from '../../src/config/config';
import { e2eConfig } from './e2e-config';
import { ok } from '../e2e/helpers';
import type { TestApp } from './test-app';

/** The admin token ingestion tests use (ADMIN_TOKEN must be at least 24 characters). */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * Configuration for ingestion tests, as an operator would set it: an admin token, the fixture
 * server's address opened with FETCH_ALLOWLIST (everything else private stays refused), a short
 * fetch deadline so the trickling server ends quickly, and no worker (tests run sources
 * themselves with refreshSource); the gateway's other layers stay out of the way (e2eConfig).
 */
export function ingestConfig(env: Record<string, string> = {}): Partial<AppConfig> {
  return e2eConfig({ ADMIN_TOKEN, FETCH_ALLOWLIST: '127.0.0.1', FETCH_TIMEOUT_MS: '3000', WORKER_ENABLED: 'false', ...env });
}

/** A generated admin operation that must succeed, its data typed. */
export async function adminRequest<TData, TVariables>(app: TestApp, document: TypedDocumentNode<TData, TVariables>, variables?: TVariables): Promise<TData> {
  return ok(await app.request(document, variables, ADMIN));
}

/** An admin operation that must succeed. */
export async function admin<T = any>(app: TestApp, query: string, variables?: Record<string, unknown>): Promise<T> {
  return ok<T>(await app.gql<T>(query, variables, ADMIN));
}

export const SOURCE_STATUS_FIELDS = `id slug name feedUrls fetchStatus { state intervalMinutes timeZone lastFetchedAt lastFetchAt lastSuccessAt lastError lastErrorAt nextRunAt consecutiveFailures itemsSeen itemsSeenTotal running feeds { url lastFetchedAt lastStatus lastError itemsSeen } }`;
const RUN_FIELDS = `outcome durationMs itemsSeen articlesCreated articlesUpdated articlesUnchanged feedItemsWritten peopleCreated pagesFetched error feeds { url outcome httpStatus error itemsSeen }`;

export async function addSource(app: TestApp, input: Record<string, unknown>): Promise<{ id: string; slug: string; feedUrls: string[] }> {
  const data = await admin<{ addSource: { id: string; slug: string; feedUrls: string[] } }>(app, `mutation($input: AddSourceInput!) { addSource(input: $input) { id slug feedUrls } }`, { input });
  return data.addSource;
}

export async function refresh(app: TestApp, id: string): Promise<{ run: any; source: any }> {
  const data = await admin<{ refreshSource: { run: any; source: any } }>(app, `mutation($id: ID!) { refreshSource(id: $id) { run { ${RUN_FIELDS} } source { ${SOURCE_STATUS_FIELDS} } } }`, { id });
  return data.refreshSource;
}

