import 'reflect-metadata';
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/config/config';
import { openDatabase } from '../src/db/data-source';
import { SqlExecutor } from '../src/db/sql-executor';
import { NewsEvents } from '../src/events/news-events';
import { toGlobalId } from '../src/graphql/relay/global-id';

/**
 * The floor of bench/live.ts: what delivering new headlines costs with nothing but the news events
 * and the sockets. It listens to the same news events as the gateway (NewsEvents on DATABASE_URL)
 * and speaks just enough of graphql-ws (connection_init, subscribe, complete) for the bench's
 * clients; for each new feed item it sends one precomputed `next` payload of the gateway's shape
 * and size (only the id is the item's) to every subscription. No rows are read, no GraphQL runs.
 * Answers any HTTP request with 200 (what bench-server.ts waits for).
 */
const port = Number(process.env.PORT ?? 4100);

/** The gateway's answer to the bench's selection, as it looks for a generated item (bench/live.ts). */
function payload(id: string): string {
  const item = {
    id: toGlobalId('FeedItem', id),
    headline: 'Story burst-1-100: Putin meets Sharif in Beijing, Reuters reports',
    url: 'http://127.0.0.1:40000/burst-1/100',
    publishedAt: '2025-09-03T00:00:00.000Z',
    language: 'bn',
    source: { id: toGlobalId('Source', '00000000-0000-4000-8000-000000000000'), name: 'Bench live feed' },
    article: { id: toGlobalId('Article', '00000000-0000-4000-8000-000000000000'), title: 'Story burst-1-100: Putin meets Sharif in Beijing, Reuters reports' },
  };
  return JSON.stringify({ data: { feedItemAdded: item } });
}

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const database = await openDatabase(config);
  const events = new NewsEvents(new SqlExecutor(database.dataSource), createLogger('silent'));
  /** Each socket's subscription ids. */
  const subscriptions = new Map<WebSocket, Set<string>>();

  events.subscribe((event) => {
    if (event.kind !== 'feedItemAdded') return;
    for (const id of event.ids) {
      const json = payload(id);
      for (const [socket, ids] of subscriptions) for (const subscription of ids) socket.send(`{"id":${JSON.stringify(subscription)},"type":"next","payload":${json}}`);
    }
  });
  await events.start();

  const http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  const wss = new WebSocketServer({ server: http, path: '/graphql' });
  wss.on('connection', (socket) => {
    const ids = new Set<string>();
    subscriptions.set(socket, ids);
    socket.on('close', () => subscriptions.delete(socket));
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type: string; id?: string };
      if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
      else if (message.type === 'subscribe') ids.add(message.id!);
      else if (message.type === 'complete') ids.delete(message.id!);
    });
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const stop = () => {
    for (const socket of subscriptions.keys()) socket.terminate();
    http.close();
    void events.stop().then(() => database.close());
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
