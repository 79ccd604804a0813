import { ApolloClient, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
// An app outside this repository imports these from 'newsgate/client'.
import { HeadlinesAddedDocument, type HeadlinesAddedSubscription } from '../../src/client';

export type NewHeadline = HeadlinesAddedSubscription['feedItemAdded'];

/** The WebSocket URL of a GraphQL endpoint: subscriptions use the same path (`http` → `ws`, `https` → `wss`). */
function subscriptionUrl(url: string): string {
  const ws = new URL(url);
  ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
  return ws.href;
}

export interface FollowOptions {
  apiKey?: string;
  /** Only headlines in this language (`bn` also matches `bn-BD`). */
  language?: string;
  onHeadline: (headline: NewHeadline) => void;
  onError: (error: unknown) => void;
}

/**
 * New headlines as they are stored, through Apollo Client over graphql-ws (GraphQLWsLink): the
 * subscription `HeadlinesAdded` of newsgate/client, the partner key in connectionParams. A dropped
 * connection is opened again (graphql-ws retries with growing delays); what was stored meanwhile
 * is on the sidebar (`l`).
 */
export function followHeadlines(url: string, options: FollowOptions): { stop(): Promise<void> } {
  // GraphQLWsLink looks at the global WebSocket's constants when an error arrives; Node 20 has no
  // global WebSocket (Node 22 has), and the link then threw a ReferenceError from inside graphql-ws.
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
  const wsUrl = subscriptionUrl(url);
  // The link reports a failed connection as "Socket closed": the socket's own error says why.
  let socketError: string | null = null;
  const ws = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: options.apiKey ? { apiKey: options.apiKey } : {},
    retryAttempts: 10,
    on: { error: (event) => (socketError = (event as { message?: string }).message ?? null) },
  });
  const onError = (error: unknown) => options.onError(socketError ? new Error(`cannot reach ${wsUrl}: ${socketError}`, { cause: error }) : error);
  const apollo = new ApolloClient({ link: new GraphQLWsLink(ws), cache: new InMemoryCache() });
  const subscription = apollo.subscribe({ query: HeadlinesAddedDocument, variables: { filter: options.language ? { language: options.language } : null } }).subscribe({
    next: ({ data, error }) => {
      if (error) onError(error);
      if (data) options.onHeadline(data.feedItemAdded);
    },
    error: onError,
  });
  return {
    async stop() {
      subscription.unsubscribe();
      apollo.stop();
      try {
        await ws.dispose();
      } catch {
        // dispose() rejects with the socket's error when the connection it closes was still
        // failing to open: on the way out that is no longer news.
      }
    },
  };
}

/**
 * `npm run example -- --follow`: prints each new headline as it arrives, until Ctrl-C (or the end
 * of the input), with the same layout as the sidebar.
 */
export async function followMode(url: string, options: { apiKey?: string; language?: string; print: (headline: NewHeadline) => void }): Promise<void> {
  console.log(`Following new headlines${options.language ? ` in ${options.language}` : ''} (Ctrl-C to stop)…`);
  const state: { failed: Error | null } = { failed: null };
  let wake: () => void = () => undefined;
  const follow = followHeadlines(url, {
    apiKey: options.apiKey,
    language: options.language,
    onHeadline: options.print,
    onError: (error) => {
      state.failed = error instanceof Error ? error : new Error('the subscription failed');
      wake();
    },
  });
  await new Promise<void>((resolve) => {
    wake = resolve;
    process.once('SIGINT', resolve);
    process.stdin.once('end', resolve);
    process.stdin.resume();
  });
  process.stdin.pause();
  await follow.stop();
  if (state.failed) throw state.failed;
}
