import WebSocket from 'ws';
import { fromGlobalId } from '../../src/graphql/relay/global-id';
import { generatedFeed, startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { addSource, admin, ADMIN_TOKEN, ingestConfig } from '../support/ingest-app';
import { followHeadlines, type NewHeadline } from '../../examples/terminal/follow';
import { liveClient, liveUrl, type LiveClient, type Received } from '../support/live-client';
import { closeServer, startTestApp, type TestApp } from '../support/test-app';
import { until } from '../support/wait';

/**
 * GraphQL subscriptions over WebSocket (graphql-ws) on /graphql, against the real gateway and a
 * real client: what ingestion stores reaches each subscription whose filter admits it, once, in
 * the order stored, and nothing else; the HTTP path's limits and keys hold; a slow consumer is
 * closed; shutdown closes every connection with 1001.
 */
describe('subscriptions', () => {
  let app: TestApp;
  let server: FixtureServer;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    server = await startFixtureServer();
    app = await startTestApp(
      ingestConfig({
        INGEST_ARTICLE_PAGES: 'false',
        LIVE_MAX_CONNECTIONS_PER_ADDRESS: '6',
        LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: '6',
        LIVE_QUEUE_LIMIT: '5',
        LIVE_KEY_CHECK_SECONDS: '1',
        GRAPHQL_MAX_DEPTH: '7',
        GRAPHQL_MAX_COST: '1000',
        GRAPHQL_MAX_ALIASES: '10',
        FETCH_MAX_BYTES: String(64 * 1024 * 1024),
      }),
    );
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.dispose();
    if (app) await until(() => app.gateway.live.connections() === 0, 'every connection closed');
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  function connect(params?: Record<string, unknown>): LiveClient {
    const client = liveClient(app.url, params);
    clients.push(client);
    return client;
  }

  /** A source on the fixture server serving `body`, and a function that runs it as the worker would. */
  async function source(name: string, body: string): Promise<{ id: string; globalId: string; run: () => Promise<unknown> }> {
    server.setDynamic(`${name}.xml`, body);
    const added = await addSource(app, { name, feedUrls: [server.url(`/dynamic/${name}.xml`)] });
    const id = fromGlobalId(added.id).id;
    return { id, globalId: added.id, run: () => app.gateway.services.ingest.runSource(id) };
  }

  /** Feed items of a source as stored, in the order stored (feed order), as headlines. */
  async function storedHeadlines(sourceId: string): Promise<string[]> {
    const rows = await app.db.manager.query<Array<{ headline: string }>>('SELECT headline FROM feed_item WHERE source_id = $1 ORDER BY position, id', [sourceId]);
    return rows.map((row) => row.headline);
  }

  function feed(prefix: string, count: number, options: { language?: string; author?: string; word?: string } = {}): string {
    let body = generatedFeed(server.origin, count, { prefix });
    if (options.language) body = body.replace('<language>en</language>', `<language>${options.language}</language>`);
    if (options.author) body = body.replace(/Jane Doe/g, options.author);
    if (options.word) body = body.replace(/Putin's remarks/g, `${options.word} remarks`);
    return body;
  }

  const FEED_ITEM = 'subscription($filter: FeedItemAddedFilter) { feedItemAdded(filter: $filter) { id headline language source { name } article { title } } }';
  const ARTICLE = 'subscription($filter: ArticlePublishedFilter) { articlePublished(filter: $filter) { id title language authors { name } } }';

  it('delivers each new item once, in the order stored, to every subscription whose filter admits it, and nothing else', async () => {
    // Jane Doe exists before anyone subscribes: the person filter names her.
    const first = await source('live-first', feed('first', 1));
    await first.run();
    const people = await app.gql<{ people: { edges: Array<{ node: { id: string; name: string } }> } }>('{ people(first: 50) { edges { node { id name } } } }');
    const jane = people.data!.people.edges.find((edge) => edge.node.name === 'Jane Doe')!.node.id;

    const english = await source('live-english', feed('english', 3));
    const bengali = await source('live-bengali', feed('bengali', 2, { language: 'bn-BD', author: 'John Roe', word: 'Zebrafish' }));
    const sentinel = await source('live-sentinel', feed('sentinel', 1, { language: 'fr', author: 'Max Mustermann' }));

    const client = connect();
    const all = client.subscribe(FEED_ITEM);
    const ofEnglish = client.subscribe(FEED_ITEM, { filter: { sourceIds: [english.globalId] } });
    const inBengali = client.subscribe(FEED_ITEM, { filter: { language: 'bn' } });
    const byJane = client.subscribe(FEED_ITEM, { filter: { personIds: [jane] } });
    const zebra = client.subscribe(ARTICLE, { filter: { search: 'zebrafish' } });
    const articlesInBengali = client.subscribe(ARTICLE, { filter: { language: 'bn', sourceIds: [bengali.globalId] } });
    await until(() => app.gateway.live.subscriptions() === 6, 'six subscriptions running');

    await english.run();
    await bengali.run();
    await sentinel.run();
    const englishHeadlines = await storedHeadlines(english.id);
    const bengaliHeadlines = await storedHeadlines(bengali.id);
    const sentinelHeadlines = await storedHeadlines(sentinel.id);
    // The sentinel was stored last: once it arrives, every earlier item has been handed on.
    await until(() => all.items.length === 6, 'every headline to the unfiltered subscription');
    const headlines = (received: Received) => received.items.map((item) => item.headline as string);
    expect(headlines(all)).toEqual([...englishHeadlines, ...bengaliHeadlines, ...sentinelHeadlines]);
    await until(() => inBengali.items.length === 2 && zebra.items.length === 2 && articlesInBengali.items.length === 2, 'the filtered subscriptions');
    expect(headlines(ofEnglish)).toEqual(englishHeadlines);
    expect(headlines(inBengali)).toEqual(bengaliHeadlines);
    expect(headlines(byJane)).toEqual(englishHeadlines);
    expect(zebra.items.map((item) => item.title)).toEqual(bengaliHeadlines);
    expect(articlesInBengali.items.map((item) => [item.language, item.authors[0].name])).toEqual([
      ['bn-BD', 'John Roe'],
      ['bn-BD', 'John Roe'],
    ]);
    // The rows as the API shows them: global ids, the item's source and article.
    expect(all.items[0]).toMatchObject({ language: 'en', source: { name: 'live-english' }, article: { title: englishHeadlines[0] } });
    expect(fromGlobalId(all.items[0].id).type).toBe('FeedItem');
    for (const received of [all, ofEnglish, inBengali, byJane, zebra, articlesInBengali]) expect(received.errors).toEqual([]);

    // Polled again unchanged: nothing new is announced, nothing is delivered again.
    await english.run();
    server.setDynamic('live-sentinel.xml', feed('sentinel', 2, { language: 'fr', author: 'Max Mustermann' }));
    await sentinel.run();
    await until(() => all.items.length === 7, 'the second sentinel');
    expect(ofEnglish.items).toHaveLength(3);
    expect(new Set(all.items.map((item) => item.id)).size).toBe(7);
  });

  it('works from Apollo Client with the typed client’s subscription (the example app’s --follow)', async () => {
    const received: NewHeadline[] = [];
    const errors: unknown[] = [];
    const follow = followHeadlines(`${app.url}/graphql`, { language: 'de', onHeadline: (headline) => received.push(headline), onError: (error) => errors.push(error) });
    try {
      await until(() => app.gateway.live.subscriptions() === 1, 'Apollo Client subscribed');
      const german = await source('live-german', feed('german', 2, { language: 'de' }));
      await german.run();
      await until(() => received.length === 2, 'two German headlines');
      expect(received.map((item) => item.headline)).toEqual(await storedHeadlines(german.id));
      expect(received[0]).toMatchObject({ language: 'de', source: { name: 'live-german' }, article: { title: received[0]!.headline } });
      expect(errors).toEqual([]);
    } finally {
      await follow.stop();
    }
  });

  it('refuses invalid subscriptions and those over the limits with a code, never a stack trace', async () => {
    const client = connect();
    const refused = async (query: string, variables?: Record<string, unknown>) => {
      const received = client.subscribe(query, variables);
      await until(() => received.errors.length > 0 || received.completed, 'an answer');
      expect(received.items).toEqual([]);
      for (const error of received.errors) expect(JSON.stringify(error)).not.toMatch(/stack|at .*\.(ts|js):\d+/);
      return received.errors[0]?.extensions?.code;
    };
    expect(await refused('subscription { feedItemAdded { nope } }')).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await refused('subscription { feedItemAdded { ')).toBe('GRAPHQL_PARSE_FAILED');
    expect(await refused('{ latestFeed(first: 1) { edges { node { id } } } }')).toBe('BAD_REQUEST');
    expect(await refused(FEED_ITEM, { filter: { sourceIds: ['not-an-id'] } })).toBe('BAD_USER_INPUT');
    expect(await refused(FEED_ITEM, { filter: { language: 'x'.repeat(5000) } })).toBe('BAD_USER_INPUT');
    const aliases = Array.from({ length: 12 }, (_, i) => `h${i}: headline`).join(' ');
    expect(await refused(`subscription { feedItemAdded { ${aliases} } }`)).toBe('TOO_MANY_ALIASES');
    expect(await refused('subscription { feedItemAdded { article { source { articles(first: 1) { edges { node { source { articles(first: 1) { edges { node { id } } } } } } } } } } }')).toBe(
      'QUERY_TOO_DEEP',
    );
    const costly = ['s1', 's2', 's3'].map((alias) => `${alias}: source { articles(first: 100) { edges { node { authors { name } } } } }`).join(' ');
    expect(await refused(`subscription { feedItemAdded { ${costly} } }`)).toBe('QUERY_TOO_COMPLEX');
    expect(client.closes).toEqual([]);
    expect(app.gateway.live.subscriptions()).toBe(0);
  });

  it('limits subscriptions per connection and connections per client address', async () => {
    const client = connect();
    const running = Array.from({ length: 6 }, () => client.subscribe(FEED_ITEM));
    await until(() => app.gateway.live.subscriptions() === 6, 'six subscriptions');
    const seventh = client.subscribe(FEED_ITEM);
    await until(() => seventh.errors.length > 0, 'the seventh refused');
    expect(seventh.errors[0]!.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', maxSubscriptions: 6 });
    running[0]!.stop();
    await until(() => app.gateway.live.subscriptions() === 5, 'one stopped');
    const again = client.subscribe(FEED_ITEM);
    await until(() => app.gateway.live.subscriptions() === 6, 'a new one in its place');
    expect(again.errors).toEqual([]);

    // Five more connections make six from this address; the seventh is closed with 4429.
    const more = Array.from({ length: 5 }, () => connect());
    await until(() => app.gateway.live.connections() === 6, 'six connections');
    const refused = connect();
    await until(() => refused.closes.length > 0, 'the seventh connection closed');
    expect(refused.closes[0]!.code).toBe(4429);
    expect(more.every((other) => other.closes.length === 0)).toBe(true);
  });

  it('takes a partner key from connectionParams, refuses a wrong one, and closes a revoked key’s connections', async () => {
    const created = await admin<{ createApiKey: { secret: string; apiKey: { id: string } } }>(app, 'mutation { createApiKey(input: { name: "Live partner" }) { secret apiKey { id } } }');
    const { secret, apiKey } = created.createApiKey;

    const wrong = connect({ apiKey: `${secret.slice(0, -4)}AAAA` });
    await until(() => wrong.closes.length > 0, 'the wrong key refused');
    expect(wrong.closes[0]).toMatchObject({ code: 4401, reason: 'The API key is not valid.' });

    const partner = connect({ apiKey: secret });
    const received = partner.subscribe(FEED_ITEM);
    await until(() => app.gateway.live.subscriptions() === 1, 'the partner subscribed');
    const feedSource = await source('live-partner', feed('partner', 1));
    await feedSource.run();
    await until(() => received.items.length === 1, 'the partner’s item');

    await admin(app, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: apiKey.id });
    await until(() => partner.closes.length > 0, 'the revoked key’s connection closed', 10_000);
    expect(partner.closes[0]).toMatchObject({ code: 4403 });
    expect(app.gateway.live.subscriptions()).toBe(0);
    // And it cannot come back.
    const again = connect({ apiKey: secret });
    await until(() => again.closes.length > 0, 'the revoked key refused');
    expect(again.closes[0]).toMatchObject({ code: 4401, reason: 'The API key has been revoked.' });
  });

  const BIG_SELECTION = Array.from({ length: 10 }, (_, i) => `a${i}: article { paragraphs }`).join(' ');

  it('hands an event larger than the queue limit to every consumer that keeps up, and closes one that stopped reading when more news comes', async () => {
    // 60 stories of 20 KB each, sent ten times over (aliases) to the big selections: one news
    // event (an event carries up to 150 items) twelve times LIVE_QUEUE_LIMIT (5 here), and far
    // more than a stalled socket's buffers hold. Then one more story, from another source. The
    // subscriptions name both sources: an outlet's headlines are listed as they stand (each
    // text once would leave out the stories whose texts are copies of each other's).
    const paragraph = `<p>${'Slow news. '.repeat(2000)}</p>`;
    const slow = await source('live-slow', feed('slow', 60).replace(/<p>Paragraph one[^<]*<\/p>/g, paragraph));
    const next = await source('live-next', feed('next', 1));
    const filter = { sourceIds: [slow.globalId, next.globalId] };
    const BIG = `subscription($filter: FeedItemAddedFilter) { feedItemAdded(filter: $filter) { headline ${BIG_SELECTION} } }`;

    // Two consumers that read (graphql-ws clients), with a small selection and the big one, and a
    // raw graphql-ws connection whose socket the test stops reading: the gateway's writes fill the
    // kernel's buffers, graphql-ws waits on its send, and that subscription's backlog stays queued.
    const readers = [connect().subscribe(FEED_ITEM, { filter }), connect().subscribe(BIG, { filter })];
    const socket = new WebSocket(liveUrl(app.url), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise<void>((resolve) => socket.once('message', () => resolve()));
    const answers: string[] = [];
    socket.on('message', (data: Buffer) => answers.push(data.toString('utf8')));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: BIG, variables: { filter } } }));
    await until(() => app.gateway.live.subscriptions() === 3, 'the readers and the slow consumer subscribed', 3000).catch((error) => {
      socket.terminate();
      throw new Error(`${String(error)}: ${answers.join(' ')}`);
    });
    (socket as unknown as { _socket: { pause(): void } })._socket.pause();

    // The one event: the readers get all of it and stay connected (so does the stalled consumer,
    // until more news shows it is still behind).
    await slow.run();
    const slowHeadlines = await storedHeadlines(slow.id);
    expect(slowHeadlines).toHaveLength(60);
    await until(() => readers.every((received) => received.items.length === 60) || clients.some((client) => client.closes.length > 0), 'the event to both readers', 30_000);
    expect(clients.map((client) => client.closes)).toEqual([[], []]);
    for (const received of readers) expect(received.items.map((item) => item.headline)).toEqual(slowHeadlines);
    expect(app.gateway.live.connections()).toBe(3);

    // More news: the stalled consumer, still more than five items behind, is closed; the readers get it.
    await next.run();
    await until(() => app.gateway.live.subscriptions() === 2, 'the slow consumer closed', 30_000);
    await until(() => readers.every((received) => received.items.length === 61), 'the next headline to both readers');
    const [nextHeadline] = await storedHeadlines(next.id);
    for (const received of readers) expect(received.items[60].headline).toBe(nextHeadline);
    for (const received of readers) expect([received.errors, received.closed]).toEqual([[], null]);
    expect(clients.map((client) => client.closes)).toEqual([[], []]);
    (socket as unknown as { _socket: { resume(): void } })._socket.resume();
    // The close frame may be lost behind the unread data (the gateway then cuts the connection).
    expect([4413, 1006]).toContain(await closed);
  });

  it('runs a selection once for the subscriptions that share it, yet each caller gets its own result', async () => {
    // One document, callers of two kinds: fetchStatus is an admin's only. Each item's result is
    // shared by subscriptions of the same document, variables and kind of caller, never across
    // kinds, whichever subscription reaches the item first.
    const document = 'subscription { feedItemAdded { headline source { name fetchStatus { state } } } }';
    const anonymous = [connect().subscribe(document), connect().subscribe(document)];
    const admins = [connect({ authorization: `Bearer ${ADMIN_TOKEN}` }).subscribe(document), connect({ authorization: `Bearer ${ADMIN_TOKEN}` }).subscribe(document)];
    await until(() => app.gateway.live.subscriptions() === 4, 'four subscriptions');
    const shared = await source('live-shared', feed('shared', 2));
    await shared.run();
    const headlines = await storedHeadlines(shared.id);
    await until(() => [...anonymous, ...admins].every((received) => received.items.length === 2), 'both items to every subscription');
    for (const received of admins) {
      expect(received.items).toEqual(headlines.map((headline) => ({ headline, source: { name: 'live-shared', fetchStatus: { state: 'ACTIVE' } } })));
      expect(received.errors).toEqual([]);
    }
    for (const received of anonymous) {
      expect(received.items).toEqual(headlines.map((headline) => ({ headline, source: { name: 'live-shared', fetchStatus: null } })));
      expect(received.errors.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    }
  });

  it('closes every connection with 1001 when the gateway shuts down, without hanging', async () => {
    const client = connect();
    const received = client.subscribe(FEED_ITEM);
    await until(() => app.gateway.live.subscriptions() === 1, 'subscribed');
    await closeServer(app.server);
    await until(() => client.closes.length > 0, 'the connection closed');
    expect(client.closes[0]!.code).toBe(1001);
    expect(received.items).toEqual([]);
    expect(app.gateway.live.subscriptions()).toBe(0);
  });
});
