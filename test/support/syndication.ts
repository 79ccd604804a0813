import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLogger } from '../../src/common/logger';
import type { AppConfig } from '../../src/config/config';
import Redis from 'ioredis';
import { redisAnswers } from '../../src/cache/redis';
import { sqlStatementCount } from '../../src/db/sql-executor';
import { createGateway, type Gateway } from '../../src/composition/gateway';
import { closeServer, type TestApp } from './test-app';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** A Redis key prefix of its own, so test runs sharing the local Redis never see each other's keys. */
export function uniqueRedisPrefix(): string {
  return `newsgate-test-${process.pid}-${Math.random().toString(36).slice(2, 10)}:`;
}

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether the Redis the shared-limit tests need answers (it runs here; CI starts it). */
export const redisAvailable = (): Promise<boolean> => redisAnswers(REDIS_URL);

/** Deletes every key a test wrote under its prefix. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

export interface ExtraGateway {
  url: string;
  gateway: Gateway;
  close(): Promise<void>;
}

/** A second gateway process's worth of app (its own limiter, caches, Apollo) over the same database. */
export async function startExtraGateway(app: TestApp, overrides: Partial<AppConfig>): Promise<ExtraGateway> {
  const gateway = await createGateway({ config: { ...app.database.config, ...overrides }, db: app.db, logger: createLogger('silent') });
  const server: Server = await gateway.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    gateway,
    async close() {
      await closeServer(server);
      await gateway.stop();
    },
  };
}

/** Runs `work` and returns how many SQL statements it caused, with its result. */
export async function countingSql<T>(work: () => Promise<T>): Promise<{ statements: number; result: T }> {
  const before = sqlStatementCount();
  const result = await work();
  return { statements: sqlStatementCount() - before, result };
}

/** Apollo's APQ hash: SHA-256 hex of the query text exactly as sent. */
export function queryHash(query: string): string {
  return createHash('sha256').update(query).digest('hex');
}

export async function postJson<T = any>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: T; raw: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const raw = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  // Tests read the answer untyped, like the GraphQL helpers' answers.
  return { status: response.status, headers: response.headers, json: json as T, raw };
}
