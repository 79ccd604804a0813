import { createClient, type Client } from 'graphql-ws';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** What one subscription received: its `next` payloads' data, its errors, and whether it ended. */
export interface Received<T = any> {
  items: T[];
  /** When each item arrived (performance.now()). */
  receivedAt: number[];
  errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  closed: { code: number; reason: string } | null;
  completed: boolean;
  stop(): void;
}

export interface LiveClient {
  client: Client;
  /** Close events the client saw (code and reason). */
  closes: Array<{ code: number; reason: string }>;
  subscribe<T = any>(query: string, variables?: Record<string, unknown>): Received<T>;
  dispose(): Promise<void>;
}

/** The WebSocket URL of a gateway's /graphql. */
export function liveUrl(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/graphql`;
}

/**
 * A graphql-ws client (the protocol Apollo Client and GraphiQL speak) over the `ws` package, with no
 * retries: a test sees every close the server makes.
 */
export function liveClient(httpUrl: string, connectionParams?: Record<string, unknown>): LiveClient {
  const closes: LiveClient['closes'] = [];
  const client = createClient({
    url: liveUrl(httpUrl),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closes.push({ code, reason: String(reason) });
      },
    },
  });
  return {
    client,
    closes,
    subscribe<T>(query: string, variables?: Record<string, unknown>): Received<T> {
      const received: Received<T> = { items: [], receivedAt: [], errors: [], closed: null, completed: false, stop: () => undefined };
      received.stop = client.subscribe<Record<string, unknown>>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors) received.errors.push(...(result.errors as Received['errors']));
            const data = result.data;
            if (data) {
              received.items.push(Object.values(data)[0] as T);
              received.receivedAt.push(performance.now());
            }
          },
          error: (error) => {
            if (Array.isArray(error)) received.errors.push(...(error as Received['errors']));
            else if (error && typeof error === 'object' && 'code' in error) received.closed = { code: (error as { code: number }).code, reason: (error as { reason?: string }).reason ?? '' };
            else received.errors.push({ message: String(error) });
          },
          complete: () => {
            received.completed = true;
          },
        },
      );
      return received;
    },
    dispose: async () => {
      await client.dispose();
    },
  };
}
