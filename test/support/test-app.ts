import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createLogger } from '../../src/common/logger';
import type { AppConfig } from '../../src/config/config';
import { SqlExecutor } from '../../src/db/sql-executor';
import { createGateway, type Gateway } from '../../src/composition/gateway';
import { createTestDatabase, type TestDatabase } from './database';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
  raw: string;
}

export interface TestApp {
  url: string;
  /** The gateway's HTTP server (tests of connections watch it). */
  server: Server;
  db: SqlExecutor;
  database: TestDatabase;
  gateway: Gateway;
  /** Sends a query as text: for queries built on the fly, and the malformed or hostile ones tests send on purpose. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Sends a generated operation (test/support/generated/): its variables and its data typed as the schema says. */
  request<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables?: TVariables, headers?: Record<string, string>): Promise<GraphQLResponse<TData>>;
  close(): Promise<void>;
}

/**
 * The real gateway on an ephemeral port over a database of its own; tests speak HTTP to it.
 * `logger`: the gateway's logger (tests of the logs pass one writing to a stream of theirs).
 */
export async function startTestApp(overrides: Partial<AppConfig> = {}, logger: Logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent')): Promise<TestApp> {
  const database = await createTestDatabase(overrides);
  const db = new SqlExecutor(database.handle.dataSource, database.handle.isOpen);
  const gateway = await createGateway({ config: database.config, db, logger });
  const server: Server = await gateway.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app: TestApp = {
    url,
    server,
    db,
    database,
    gateway,
    request(document, variables, headers) {
      return app.gql(print(document), variables as Record<string, unknown> | undefined, headers);
    },
    async gql(query, variables, headers = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const raw = await response.text();
      // The data is the caller's T, trusted as the JSON says (`never` stands in for any T).
      let body: { data?: never; errors?: GraphQLResponse['errors'] } = {};
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        // non-JSON bodies are returned raw for the test to inspect
      }
      return { status: response.status, headers: response.headers, data: body.data, errors: body.errors, raw };
    },
    async close() {
      await closeServer(server);
      await gateway.stop();
      await database.drop();
    },
  };
  return app;
}

/**
 * Stops a server as the gateway's shutdown does: no new connections, each kept-alive connection
 * closed as soon as it is idle (server.close() alone closes only those idle at that moment, and the
 * gateway keeps idle ones for a minute), and whatever is still busy after 5 s cut.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 20);
    const cut = setTimeout(() => server.closeAllConnections(), 5000);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
