import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PostgresNotifications } from '../../src/db/notifications';
import { NewsEvents, type NewsEvent } from '../../src/events/news-events';
import { fromGlobalId } from '../../src/graphql/relay/global-id';
import { createLogger } from '../../src/common/logger';
import { generatedFeed, startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { addSource, ingestConfig } from '../support/ingest-app';
import { usingPostgresServer } from '../support/database';
import { startTestApp, type TestApp } from '../support/test-app';
import { until } from '../support/wait';

/**
 * The news events (src/events/): what the ingest store adds is announced in its transaction, and a
 * subscriber of NewsEvents gets each feed item and article once, in the order stored, with its
 * database ids; a NOTIFY stays under Postgres' 8,000 bytes however large the batch. On a Postgres
 * server, the events committed while the listening connection is down are read from the table
 * once it is back, neither lost nor repeated.
 */
describe('news events', () => {
  let app: TestApp;
  let server: FixtureServer;
  const logger = createLogger('silent');

  beforeAll(async () => {
    server = await startFixtureServer();
    // Batches larger than one NOTIFY's 150 ids.
    app = await startTestApp(ingestConfig({ INGEST_ARTICLE_PAGES: 'false', INGEST_BATCH_SIZE: '400' }));
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  /** A source on the fixture server serving `body`, and a function that runs it as the worker would. */
  async function source(name: string, body: string): Promise<{ id: string; run: () => Promise<unknown> }> {
    server.setDynamic(`${name}.xml`, body);
    const added = await addSource(app, { name, feedUrls: [server.url(`/dynamic/${name}.xml`)] });
    const id = fromGlobalId(added.id).id;
    return { id, run: () => app.gateway.services.ingest.runSource(id) };
  }

  /** Feed items and articles of a source, as stored: feed items in feed order. */
  async function stored(sourceId: string) {
    const feedItems = await app.db.manager.query<Array<{ id: string }>>('SELECT id FROM feed_item WHERE source_id = $1 ORDER BY position, id', [sourceId]);
    const articles = await app.db.manager.query<Array<{ id: string; url: string }>>('SELECT id, url FROM article WHERE source_id = $1', [sourceId]);
    return { feedItems: feedItems.map((row) => row.id), articles };
  }

  function collect(events: NewsEvents): { seen: NewsEvent[]; ids: (kind: NewsEvent['kind']) => string[] } {
    const seen: NewsEvent[] = [];
    events.subscribe((event) => seen.push(event));
    return { seen, ids: (kind) => seen.filter((event) => event.kind === kind).flatMap((event) => event.ids) };
  }

  it('announces each new feed item and article once, in the order stored, 150 ids to a notification', async () => {
    const events = new NewsEvents(app.db, logger);
    const { seen, ids } = collect(events);
    await events.start();
    try {
      const payloads: string[] = [];
      const listening = await app.db.notifications!.listen('newsgate_news_events', { notification: (payload) => payloads.push(payload), listening: () => undefined });
      const big = await source('big', generatedFeed(server.origin, 320, { prefix: 'big' }));
      await big.run();
      const { feedItems, articles } = await stored(big.id);
      expect(feedItems).toHaveLength(320);
      await until(() => ids('feedItemAdded').length === 320 && ids('articlePublished').length === 320, 'the events of 320 items');
      // Feed items in feed order; articles in the order the batch stored them (the feed's).
      expect(ids('feedItemAdded')).toEqual(feedItems);
      const urlOf = new Map(articles.map((row) => [row.id, row.url]));
      expect(ids('articlePublished').map((id) => /big-(\d+)/.exec(urlOf.get(id)!)![1])).toEqual(Array.from({ length: 320 }, (_, i) => String(i + 1)));
      // One transaction: its articles first, then its feed items, each kind 150 to an event, numbered in order.
      expect(seen.map((event) => [event.kind, event.ids.length])).toEqual([
        ['articlePublished', 150],
        ['articlePublished', 150],
        ['articlePublished', 20],
        ['feedItemAdded', 150],
        ['feedItemAdded', 150],
        ['feedItemAdded', 20],
      ]);
      expect(seen.map((event) => event.seq)).toEqual([...seen.map((event) => event.seq)].sort((a, b) => a - b));
      await until(() => payloads.length === 6, 'the six notifications');
      for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
      listening();

      // Polled again unchanged: nothing is announced. Two more stories: only they are.
      await big.run();
      server.setDynamic('big.xml', generatedFeed(server.origin, 322, { prefix: 'big' }));
      await big.run();
      await until(() => ids('feedItemAdded').length === 322, 'the two new feed items');
      const after = await stored(big.id);
      const added = after.feedItems.filter((id) => !feedItems.includes(id));
      expect(added).toHaveLength(2);
      expect(ids('feedItemAdded').slice(320)).toEqual(added);
      expect(ids('articlePublished')).toHaveLength(322);
      expect(new Set(seen.map((event) => event.seq)).size).toBe(seen.length);
    } finally {
      await events.stop();
    }
  });

  it('announces headlines without articles too (a batch stored without a transaction)', async () => {
    const events = new NewsEvents(app.db, logger);
    const { seen, ids } = collect(events);
    await events.start();
    try {
      const headlines = await source('headlines', generatedFeed(server.origin, 3, { prefix: 'headline', withLinks: false }));
      await headlines.run();
      const { feedItems, articles } = await stored(headlines.id);
      expect(articles).toHaveLength(0);
      await until(() => ids('feedItemAdded').length === 3, 'three headlines');
      expect(ids('feedItemAdded')).toEqual(feedItems);
      expect(seen.every((event) => event.kind === 'feedItemAdded')).toBe(true);
    } finally {
      await events.stop();
    }
  });

  (usingPostgresServer() ? it : it.skip)('reads what was committed while its connection was down from the table, none lost or repeated', async () => {
    // The listening connection goes through a proxy the test can cut: LISTEN's session ends, the
    // NOTIFYs sent meanwhile reach nobody, and the reconnection (refused until the proxy opens
    // again) must find those events in the table.
    const proxy = await startProxy(new URL(app.database.config.databaseUrl!));
    const url = new URL(app.database.config.databaseUrl!);
    url.host = `127.0.0.1:${proxy.port}`;
    const notifications = new PostgresNotifications(url.toString());
    const events = new NewsEvents(app.db, logger, notifications);
    const { ids } = collect(events);
    await events.start();
    try {
      const feed = await source('gap', generatedFeed(server.origin, 2, { prefix: 'gap' }));
      await feed.run();
      await until(() => ids('feedItemAdded').length === 2, 'the first two items');

      proxy.cut();
      server.setDynamic('gap.xml', generatedFeed(server.origin, 5, { prefix: 'gap' }));
      await feed.run();
      server.setDynamic('gap.xml', generatedFeed(server.origin, 7, { prefix: 'gap' }));
      await feed.run();
      expect(ids('feedItemAdded')).toHaveLength(2);
      proxy.restore();

      await until(() => ids('feedItemAdded').length === 7, 'the five items stored while nobody listened');
      // In the order stored: each run added the items below the earlier ones, so feed order.
      expect(ids('feedItemAdded')).toEqual((await stored(feed.id)).feedItems);
      // Delivered live again once reconnected.
      server.setDynamic('gap.xml', generatedFeed(server.origin, 8, { prefix: 'gap' }));
      await feed.run();
      await until(() => ids('feedItemAdded').length === 8, 'the item stored after the reconnection');
      expect(new Set(ids('feedItemAdded')).size).toBe(8);
      expect(new Set(ids('articlePublished')).size).toBe(8);
    } finally {
      await events.stop();
      await notifications.close();
      await proxy.close();
    }
  });
});

/** A TCP proxy to Postgres that the test can cut (closing every connection and refusing new ones) and restore. */
async function startProxy(target: URL): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  let open = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
