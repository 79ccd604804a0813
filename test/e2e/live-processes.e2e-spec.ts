import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../../src/common/logger';
import { SqlExecutor } from '../../src/db/sql-executor';
import { NewsEvents } from '../../src/events/news-events';
import { fromGlobalId } from '../../src/graphql/relay/global-id';
import { createTestDatabase, usingPostgresServer, type TestDatabase } from '../support/database';
import { generatedFeed } from '../support/fixture-server';
import { liveClient, type LiveClient, type Received } from '../support/live-client';
import { CLI_MAIN, startGatewayProcess, startScript, type GatewayProcess } from '../support/processes';
import { until } from '../support/wait';

/**
 * Subscriptions across processes, as an operator runs them: on a Postgres server, two gateway
 * processes and a `newsgate worker` process; on the embedded database, one gateway process with
 * its in-process worker. A graphql-ws subscriber on each gateway, each with its own filter,
 * receives every item the worker stores that its filter admits, in the order stored, and nothing
 * else, soon after the item is stored.
 *
 * The publisher (a local server on 127.0.0.1) holds its answers until the test releases them, so
 * that nothing is stored before the subscriptions run, and the last item (the sentinel, which both
 * filters admit) is stored after every other: once a subscriber has it, its gateway has handed on
 * every earlier event, and what it received is all it will receive of them.
 *
 * "Within a second" (issue 13): each item's time from its store to its receipt is bounded by
 * DELIVERY_BOUND_MS, three times the issue's second, because this machine's two cores are shared
 * with other work (the gateways and the worker are separate Node processes competing for them).
 * The store time is when this process hears the item's news event (its own LISTEN, the gateways'
 * signal too) on Postgres. The embedded database only the gateway process can read: there the
 * time starts when the publisher answered the worker's fetch, before the item was parsed and
 * stored, and the bound adds INGEST_BOUND_MS for that ingest. Measured under a load average of 12:
 * 10-55 ms on Postgres, 60-840 ms on the embedded database (a first ingest included).
 */
const ADMIN_TOKEN = 'live-processes-admin-token-0123456789';
const DELIVERY_BOUND_MS = 3_000;
const INGEST_BOUND_MS = 3_000;
/** Starting the processes takes up to 90 s each on a loaded machine. */
jest.setTimeout(300_000);

const SUBSCRIPTION = 'subscription($filter: FeedItemAddedFilter) { feedItemAdded(filter: $filter) { id headline language source { name } } }';

/** A publisher whose feeds answer only once released (each feed its own gate), noting when each answer went out. */
async function startHeldPublisher() {
  const feeds = new Map<string, { body: string; released: boolean; waiting: ServerResponse[]; answeredAt: number | null }>();
  const answer = (name: string, res: ServerResponse) => {
    const feed = feeds.get(name)!;
    feed.answeredAt = performance.now();
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed.body);
  };
  const server: Server = createServer((req, res) => {
    const name = (req.url ?? '').slice(1);
    const feed = feeds.get(name);
    if (!feed) res.writeHead(404).end();
    else if (feed.released) answer(name, res);
    else feed.waiting.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    /** Serves `body` at /<name> once released; returns its URL. */
    feed(name: string, body: string): string {
      feeds.set(name, { body, released: false, waiting: [], answeredAt: null });
      return `${origin}/${name}`;
    },
    release(name: string): void {
      const feed = feeds.get(name)!;
      feed.released = true;
      for (const res of feed.waiting.splice(0)) answer(name, res);
    },
    answeredAt: (name: string) => feeds.get(name)?.answeredAt ?? null,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An admin operation on a gateway process; fails the test on any error. */
async function admin<T>(gateway: GatewayProcess, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Subscriptions running on a gateway process, from its /metrics. */
async function subscriptionsOn(gateway: GatewayProcess): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return Number(/^newsgate_live_subscriptions (\d+)$/m.exec(text)?.[1] ?? -1);
}

function feed(origin: string, prefix: string, count: number, language: string): string {
  return generatedFeed(origin, count, { prefix }).replace('<language>en</language>', `<language>${language}</language>`);
}

describe('subscriptions across processes', () => {
  const gateways: GatewayProcess[] = [];
  const clients: LiveClient[] = [];
  const stops: Array<() => Promise<unknown>> = [];
  let database: TestDatabase | null = null;
  let publisher: Awaited<ReturnType<typeof startHeldPublisher>>;

  beforeAll(async () => {
    publisher = await startHeldPublisher();
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    for (const gateway of gateways) {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
    for (const stop of stops) await stop();
    await database?.drop();
    await publisher?.close();
  });

  /**
   * The scenario on running gateways (the first takes the admin's operations; `startWorker` runs
   * once the subscriptions do, `storedAt` gives each feed item's store time by database id).
   */
  async function scenario(
    onFirst: GatewayProcess,
    onSecond: GatewayProcess,
    startWorker: () => Promise<void>,
    storedAt: (dbId: string, sourceName: string) => number | null,
    boundMs: number,
  ) {
    const feeds = {
      english: publisher.feed('english.xml', feed(publisher.origin, 'english', 3, 'en')),
      bengali: publisher.feed('bengali.xml', feed(publisher.origin, 'bengali', 2, 'bn-BD')),
      french: publisher.feed('french.xml', feed(publisher.origin, 'french', 2, 'fr')),
      sentinel: publisher.feed('sentinel.xml', feed(publisher.origin, 'sentinel', 1, 'bn')),
    };
    const sources: Record<string, string> = {};
    for (const [name, url] of Object.entries(feeds)) {
      const added = await admin<{ addSource: { id: string } }>(onFirst, 'mutation($input: AddSourceInput!) { addSource(input: $input) { id } }', { input: { name, feedUrls: [url] } });
      sources[name] = added.addSource.id;
    }

    // Bengali headlines on one gateway; the English source's (and the sentinel's) on the other.
    const first = liveClient(onFirst.url);
    const second = liveClient(onSecond.url);
    clients.push(first, second);
    const inBengali = first.subscribe(SUBSCRIPTION, { filter: { language: 'bn' } });
    const ofEnglish = second.subscribe(SUBSCRIPTION, { filter: { sourceIds: [sources.english, sources.sentinel] } });
    await until(async () => (await subscriptionsOn(onFirst)) === (onFirst === onSecond ? 2 : 1) && (await subscriptionsOn(onSecond)) === (onFirst === onSecond ? 2 : 1), 'both subscriptions running', 60_000);

    await startWorker();
    for (const name of ['english', 'bengali', 'french']) publisher.release(`${name}.xml`);
    type Stored = { latestFeed: { edges: Array<{ node: { id: string; headline: string; source: { name: string } } }> } };
    const latest = () => admin<Stored>(onFirst, '{ latestFeed(first: 50) { edges { node { id headline source { name } } } } }');
    await until(async () => (await latest()).latestFeed.edges.length === 7, 'the worker to store the three feeds', 120_000);
    publisher.release('sentinel.xml');
    const sentinel = (received: Received) => received.items.some((item) => item.source.name === 'sentinel');
    await until(() => sentinel(inBengali) && sentinel(ofEnglish), 'the sentinel on both gateways', 120_000);

    const stored = (await latest()).latestFeed.edges.map((edge) => edge.node);
    expect(stored).toHaveLength(8);
    const expected = (names: string[]) => stored.filter((item) => names.includes(item.source.name)).map((item) => item.id);
    const ids = (received: Received) => received.items.map((item) => item.id as string);
    // Exactly the admitted items: each once, the sentinel (stored last) last, each feed in feed order.
    expect([...ids(inBengali)].sort()).toEqual(expected(['bengali', 'sentinel']).sort());
    expect([...ids(ofEnglish)].sort()).toEqual(expected(['english', 'sentinel']).sort());
    for (const received of [inBengali, ofEnglish]) {
      expect(received.items.at(-1).source.name).toBe('sentinel');
      expect(received.errors).toEqual([]);
      expect(received.closed).toBeNull();
    }
    expect(inBengali.items.filter((item) => item.source.name === 'bengali').map((item) => item.headline)).toEqual(['Story bengali 1: Putin\'s remarks', 'Story bengali 2: Putin\'s remarks']);
    expect(ofEnglish.items.filter((item) => item.source.name === 'english').map((item) => item.headline)).toEqual([1, 2, 3].map((i) => `Story english ${i}: Putin's remarks`));

    // From store to receipt, for every item received.
    const late = [inBengali, ofEnglish].flatMap((received) =>
      received.items.map((item, i) => {
        const from = storedAt(fromGlobalId(item.id).id, item.source.name);
        return { headline: item.headline as string, ms: from === null ? null : Math.round(received.receivedAt[i]! - from) };
      }),
    );
    expect(late.filter(({ ms }) => ms === null || ms > boundMs)).toEqual([]);
  }

  (usingPostgresServer() ? it : it.skip)('on Postgres: two gateways and a worker process; each subscriber gets what its filter admits, and nothing else', async () => {
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.config.databaseUrl!, DATABASE_POOL_SIZE: '4' };
    // This process hears the news events too: the store time of each feed item.
    const heard = new Map<string, number>();
    const events = new NewsEvents(new SqlExecutor(database.handle.dataSource), createLogger('silent'));
    events.subscribe((event) => {
      const at = performance.now();
      if (event.kind === 'feedItemAdded') for (const id of event.ids) heard.set(id, at);
    });
    await events.start();
    stops.push(() => events.stop());
    gateways.push(...(await Promise.all([startGatewayProcess(env, ADMIN_TOKEN), startGatewayProcess(env, ADMIN_TOKEN)])));

    const startWorker = async () => {
      const worker = startScript(CLI_MAIN, ['worker'], {
        ...env,
        LOG_LEVEL: 'warn',
        FETCH_ALLOWLIST: '127.0.0.1',
        FETCH_TIMEOUT_MS: '120000',
        INGEST_ARTICLE_PAGES: 'false',
        WORKER_POLL_INTERVAL_SECONDS: '1',
        WORKER_CONCURRENCY: '4',
      });
      stops.push(() => {
        worker.child.kill('SIGTERM');
        return worker.done;
      });
    };
    await scenario(gateways[0]!, gateways[1]!, startWorker, (id) => heard.get(id) ?? null, DELIVERY_BOUND_MS);
  });

  (usingPostgresServer() ? it.skip : it)('on the embedded database: one gateway process with its worker; each subscriber gets what its filter admits, and nothing else', async () => {
    const gateway = await startGatewayProcess(
      { DATA_DIR: 'memory://', WORKER_ENABLED: 'true', WORKER_POLL_INTERVAL_SECONDS: '1', WORKER_CONCURRENCY: '4', FETCH_TIMEOUT_MS: '120000', INGEST_ARTICLE_PAGES: 'false' },
      ADMIN_TOKEN,
    );
    gateways.push(gateway);
    // Only the gateway reads its database: the item's store is after the publisher's answer.
    await scenario(gateway, gateway, async () => undefined, (_id, sourceName) => publisher.answeredAt(`${sourceName}.xml`), INGEST_BOUND_MS + DELIVERY_BOUND_MS);
  });
});
