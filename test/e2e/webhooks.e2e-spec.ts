import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { createLogger } from '../../src/common/logger';
import { createGateway } from '../../src/composition/gateway';
import { fromGlobalId } from '../../src/graphql/relay/global-id';
import { WebhookRepository } from '../../src/webhook/webhook.repository';
import { usingPostgresServer } from '../support/database';
import { generatedFeed, startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { ADMIN, admin, addSource, ingestConfig } from '../support/ingest-app';
import { startTestApp, type TestApp } from '../support/test-app';
import { until } from '../support/wait';
import { ok } from './helpers';

/**
 * Outbound webhooks (src/webhook/): what ingestion stores reaches each matching webhook as a
 * Standard Webhooks message, which a receiver verifies with the `standardwebhooks` package;
 * failed attempts are retried with backoff through the job queue (pg-boss on Postgres, timers on
 * the embedded database) and recorded; a webhook failing for the whole window is disabled; private
 * addresses are refused; a partner sees only its own webhooks. Retries and the failure window are
 * made short through the configuration.
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 (opened by FETCH_ALLOWLIST in the test configuration): answers each path with its scripted statuses, then 200. */
async function startReceiver(): Promise<{ url: (path: string) => string; received: Received[]; script: (path: string, statuses: number[]) => void; close: () => Promise<void> }> {
  const received: Received[] = [];
  const scripts = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const statuses = scripts.get(path);
      const status = statuses && statuses.length > 1 ? statuses.shift()! : (statuses?.[0] ?? 200);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    script: (path, statuses) => scripts.set(path, statuses),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function verify(secret: string, message: Received): { type: string; timestamp: string; data: Record<string, any> } {
  const headers = {
    'webhook-id': String(message.headers['webhook-id']),
    'webhook-timestamp': String(message.headers['webhook-timestamp']),
    'webhook-signature': String(message.headers['webhook-signature']),
  };
  // Throws unless the signature is the secret's over this very body, id and a recent timestamp.
  return new StandardWebhook(secret).verify(message.body, headers) as { type: string; timestamp: string; data: Record<string, any> };
}

const WEBHOOK_FIELDS = 'id url events filter { sourceIds personIds language search } createdAt failingSince disabledAt disabledReason';
const DELIVERY_FIELDS = 'id messageId type attempt at status responseStatus durationMs error';
const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { ${WEBHOOK_FIELDS} } } }`;
const DELIVERIES = `query($first: Int) { webhooks(first: 50) { edges { node { id disabledAt disabledReason deliveries(first: $first) { totalCount edges { node { ${DELIVERY_FIELDS} } } } } } } }`;

describe('webhooks', () => {
  let app: TestApp;
  let feeds: FixtureServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    receiver = await startReceiver();
    app = await startTestApp(
      ingestConfig({ INGEST_ARTICLE_PAGES: 'false', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_FAILURE_WINDOW_SECONDS: '6', WEBHOOK_TIMEOUT_MS: '3000' }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await feeds?.close();
  });

  /** A followed source serving `count` generated items, and a function that stores them as the worker would. */
  async function source(name: string, count: number, withLinks = true): Promise<{ id: string; globalId: string; run: (count?: number) => Promise<unknown> }> {
    feeds.setDynamic(`${name}.xml`, generatedFeed(feeds.origin, count, { prefix: name, withLinks }));
    const added = await addSource(app, { name, feedUrls: [feeds.url(`/dynamic/${name}.xml`)] });
    const id = fromGlobalId(added.id).id;
    return {
      id,
      globalId: added.id,
      run: (more?: number) => {
        if (more !== undefined) feeds.setDynamic(`${name}.xml`, generatedFeed(feeds.origin, more, { prefix: name, withLinks }));
        return app.gateway.services.ingest.runSource(id);
      },
    };
  }

  async function create(input: Record<string, unknown>, headers: Record<string, string> = ADMIN) {
    return app.gql<{ createWebhook: { secret: string; webhook: Record<string, any> } }>(CREATE, { input }, headers);
  }

  async function deliveriesOf(webhookId: string, headers: Record<string, string> = ADMIN): Promise<{ disabledAt: string | null; disabledReason: string | null; attempts: Array<Record<string, any>> }> {
    const response = await app.gql<any>(DELIVERIES, { first: 100 }, headers);
    const node = response.data.webhooks.edges.map((edge: any) => edge.node).find((candidate: any) => candidate.id === webhookId);
    return { disabledAt: node.disabledAt, disabledReason: node.disabledReason, attempts: node.deliveries.edges.map((edge: any) => edge.node) };
  }

  it('refuses webhook URLs on private, loopback, link-local and metadata addresses, and callers without a key', async () => {
    for (const url of ['http://10.0.0.1/hook', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/hook', 'http://192.168.1.20:8080/']) {
      const response = await create({ url, events: ['FEED_ITEM_ADDED'] });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.url', reason: 'BLOCKED_ADDRESS' });
      expect(response.errors?.[0]?.message).toContain('BLOCKED_ADDRESS');
    }
    for (const url of ['ftp://example.com/', 'not a url', 'http://user:pw@example.com/']) {
      const response = await create({ url, events: ['FEED_ITEM_ADDED'] });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.url' });
    }
    const anonymous = await create({ url: receiver.url('/anonymous'), events: ['FEED_ITEM_ADDED'] }, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const list = await app.gql('{ webhooks { totalCount } }');
    expect(list.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('delivers each matching new headline and article once, signed, to every matching webhook', async () => {
    const followed = await source('hooked', 3);
    const other = await source('unhooked', 2);
    const both = ok(await create({ url: receiver.url('/both'), events: ['FEED_ITEM_ADDED', 'ARTICLE_PUBLISHED'], filter: { sourceIds: [followed.globalId] } })).createWebhook;
    expect(both.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(both.secret.slice('whsec_'.length), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(both.webhook).toMatchObject({ url: receiver.url('/both'), events: ['FEED_ITEM_ADDED', 'ARTICLE_PUBLISHED'], filter: { sourceIds: [followed.globalId], personIds: [] }, disabledAt: null });
    const headlines = ok(await create({ url: receiver.url('/headlines'), events: ['FEED_ITEM_ADDED'] })).createWebhook;

    await other.run();
    await followed.run();
    const at = (path: string) => receiver.received.filter((message) => message.path === path);
    // Every headline of both sources reaches /headlines; /both gets the followed source's 3 headlines and 3 articles.
    await until(() => at('/both').length >= 6 && at('/headlines').length >= 5, 'the messages of both webhooks');
    const messages = at('/both').map((message) => verify(both.secret, message));
    expect(messages.filter((m) => m.type === 'feed_item.added')).toHaveLength(3);
    expect(messages.filter((m) => m.type === 'article.published')).toHaveLength(3);
    for (const message of messages) {
      expect(message.data.source).toMatchObject({ id: followed.globalId, slug: expect.any(String), name: 'hooked' });
      expect(fromGlobalId(message.data.id).type).toBe(message.type === 'feed_item.added' ? 'FeedItem' : 'Article');
    }
    const item = messages.find((m) => m.type === 'feed_item.added')!;
    expect(item.data).toMatchObject({ headline: expect.stringContaining('Story hooked'), url: expect.stringContaining('/articles/hooked-'), article: { id: expect.any(String) } });
    const article = messages.find((m) => m.type === 'article.published')!;
    expect(article.data).toMatchObject({ title: expect.stringContaining('Story hooked'), language: 'en', publishedAt: expect.any(String) });
    const headlineMessages = at('/headlines').map((message) => verify(headlines.secret, message));
    expect(headlineMessages.every((m) => m.type === 'feed_item.added')).toBe(true);
    expect(new Set(headlineMessages.map((m) => m.data.source.name))).toEqual(new Set(['hooked', 'unhooked']));
    // A signature under another secret does not verify.
    expect(() => verify(headlines.secret, at('/both')[0]!)).toThrow();
    // Once each: distinct message ids, and the same item again stores and sends nothing.
    expect(new Set(at('/both').map((m) => m.headers['webhook-id'])).size).toBe(6);
    const deliveries = await deliveriesOf(both.webhook.id);
    expect(deliveries.attempts).toHaveLength(6);
    expect(deliveries.attempts.every((attempt) => attempt.status === 'SUCCEEDED' && attempt.responseStatus === 200 && attempt.attempt === 1)).toBe(true);

    // A new story of the followed source: one more headline and one more article, nothing else.
    await followed.run(4);
    await until(() => at('/both').length >= 8 && at('/headlines').length >= 6, 'the new story');
    expect(at('/both')).toHaveLength(8);
    expect(at('/headlines')).toHaveLength(6);
  });

  it('retries a failed delivery with backoff through the job queue, and records each attempt', async () => {
    const flaky = await source('flaky', 1, false);
    receiver.script('/flaky', [500, 200]);
    const created = ok(await create({ url: receiver.url('/flaky'), events: ['FEED_ITEM_ADDED'], filter: { sourceIds: [flaky.globalId] } })).createWebhook;
    await flaky.run();
    const at = () => receiver.received.filter((message) => message.path === '/flaky');
    await until(() => at().length >= 2, 'the retry');
    // The same message twice: same id and body, each signed (with its own timestamp).
    const [first, second] = at();
    expect(first!.headers['webhook-id']).toBe(second!.headers['webhook-id']);
    expect(first!.body).toBe(second!.body);
    expect(verify(created.secret, first!).type).toBe('feed_item.added');
    expect(verify(created.secret, second!).data.headline).toContain('Story flaky 1');
    await until(async () => (await deliveriesOf(created.webhook.id)).attempts.length === 2, 'both attempts recorded');
    const { attempts } = await deliveriesOf(created.webhook.id);
    // Newest first.
    expect(attempts.map(({ attempt, status, responseStatus, type }) => ({ attempt, status, responseStatus, type }))).toEqual([
      { attempt: 2, status: 'SUCCEEDED', responseStatus: 200, type: 'feed_item.added' },
      { attempt: 1, status: 'FAILED', responseStatus: 500, type: 'feed_item.added' },
    ]);
    expect(attempts[1]!.error).toBe('HTTP 500');
    expect(attempts[0]!.messageId).toBe(first!.headers['webhook-id']);
    expect(new Date(attempts[0]!.at).getTime()).toBeGreaterThan(new Date(attempts[1]!.at).getTime());
    expect(attempts.every((attempt) => Number.isInteger(attempt.durationMs) && attempt.durationMs >= 0)).toBe(true);
    expect(at()).toHaveLength(2);
  });

  it('delivers after a restart a message its process inserted but had not enqueued when it died', async () => {
    const created = ok(await create({ url: receiver.url('/orphan'), events: ['FEED_ITEM_ADDED'] })).createWebhook;
    // What a gateway leaves behind when it dies between inserting a message and enqueuing it: the
    // message pending in webhook_delivery, no job (on Postgres; the embedded database's queue is
    // in memory and keeps nothing in any case).
    const body = JSON.stringify({ type: 'feed_item.added', timestamp: new Date().toISOString(), data: { headline: 'Orphaned headline' } });
    const [id] = await new WebhookRepository(app.db).insertDeliveries(fromGlobalId(created.webhook.id).id, 'feed_item.added', [{ eventKey: 'feedItemAdded:orphan', body }]);
    expect(id).toBeDefined();
    // The restarted process: a gateway of its own on the same database, whose dispatcher starts.
    const restarted = await createGateway({ config: app.database.config, db: app.db, logger: createLogger('silent') });
    try {
      await until(() => receiver.received.some((message) => message.path === '/orphan'), 'the orphaned message delivered');
    } finally {
      await restarted.stop();
    }
    const delivered = receiver.received.filter((message) => message.path === '/orphan');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.headers['webhook-id']).toBe(id);
    expect(verify(created.secret, delivered[0]!).data).toEqual({ headline: 'Orphaned headline' });
    await until(async () => (await deliveriesOf(created.webhook.id)).attempts.length === 1, 'the attempt recorded');
    expect((await deliveriesOf(created.webhook.id)).attempts.map(({ attempt, status }) => ({ attempt, status }))).toEqual([{ attempt: 1, status: 'SUCCEEDED' }]);
  });

  (usingPostgresServer() ? it : it.skip)('on Postgres, a running gateway sends a message another left without a job, once it is a minute past its time', async () => {
    const created = ok(await create({ url: receiver.url('/overdue'), events: ['FEED_ITEM_ADDED'] })).createWebhook;
    // A gateway that looks every second, started before the message exists: its start enqueues
    // nothing of it, only its look can find it.
    const config = app.database.config;
    const running = await createGateway({ config: { ...config, webhooks: { ...config.webhooks, activationCheckSeconds: 1 } }, db: app.db, logger: createLogger('silent') });
    let id: string | undefined;
    try {
      const body = JSON.stringify({ type: 'feed_item.added', timestamp: new Date().toISOString(), data: { headline: 'Overdue headline' } });
      [id] = await new WebhookRepository(app.db).insertDeliveries(fromGlobalId(created.webhook.id).id, 'feed_item.added', [{ eventKey: 'feedItemAdded:overdue', body }]);
      // Inserted a minute ago by a gateway that died before enqueuing it.
      await app.db.manager.query(`UPDATE webhook_delivery SET next_attempt_at = now() - interval '61 seconds' WHERE id = $1`, [id]);
      await until(() => receiver.received.some((message) => message.path === '/overdue'), 'the overdue message sent');
    } finally {
      await running.stop();
    }
    const delivered = receiver.received.filter((message) => message.path === '/overdue');
    expect(delivered.map((message) => message.headers['webhook-id'])).toEqual([id]);
    expect(verify(created.secret, delivered[0]!).data).toEqual({ headline: 'Overdue headline' });
  });

  it('sends a webhook.test message on testWebhook and returns the attempt', async () => {
    const created = ok(await create({ url: receiver.url('/test'), events: ['ARTICLE_PUBLISHED'] })).createWebhook;
    const response = ok(await app.gql<{ testWebhook: Record<string, any> }>(`mutation($id: ID!) { testWebhook(id: $id) { ${DELIVERY_FIELDS} } }`, { id: created.webhook.id }, ADMIN));
    expect(response.testWebhook).toMatchObject({ type: 'webhook.test', attempt: 1, status: 'SUCCEEDED', responseStatus: 200, error: null });
    const [message] = receiver.received.filter((m) => m.path === '/test');
    expect(message!.headers['webhook-id']).toBe(response.testWebhook.messageId);
    expect(verify(created.secret, message!)).toMatchObject({ type: 'webhook.test', data: { webhookId: fromGlobalId(created.webhook.id).id } });
    // A failing receiver: the attempt says so, and the test message is not retried.
    receiver.script('/test', [503]);
    const failed = ok(await app.gql<{ testWebhook: Record<string, any> }>(`mutation($id: ID!) { testWebhook(id: $id) { ${DELIVERY_FIELDS} } }`, { id: created.webhook.id }, ADMIN));
    expect(failed.testWebhook).toMatchObject({ status: 'FAILED', responseStatus: 503, error: 'HTTP 503' });
    // node(id:) refetches the attempt and the webhook for their owner.
    const node = ok(await app.gql<any>(`query($a: ID!, $w: ID!) { a: node(id: $a) { id ... on WebhookDelivery { status } } w: node(id: $w) { ... on Webhook { url } } }`, { a: failed.testWebhook.id, w: created.webhook.id }, ADMIN));
    expect(node).toEqual({ a: { id: failed.testWebhook.id, status: 'FAILED' }, w: { url: receiver.url('/test') } });
  });

  it('lets a partner key manage its own webhooks only', async () => {
    const keys: Array<Record<string, string>> = [];
    for (const name of ['Partner one', 'Partner two']) {
      const created = await admin<{ createApiKey: { secret: string } }>(app, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, { input: { name } });
      keys.push({ 'x-api-key': created.createApiKey.secret });
    }
    const [one, two] = [keys[0]!, keys[1]!];
    const mine = ok(await create({ url: receiver.url('/partner-one'), events: ['FEED_ITEM_ADDED'] }, one)).createWebhook;
    const theirs = ok(await create({ url: receiver.url('/partner-two'), events: ['ARTICLE_PUBLISHED'] }, two)).createWebhook;
    const list = async (headers: Record<string, string>) => ok(await app.gql<any>('{ webhooks(first: 100) { totalCount edges { node { id url } } } }', {}, headers)).webhooks;
    expect((await list(one)).edges.map((edge: any) => edge.node.id)).toEqual([mine.webhook.id]);
    expect((await list(one)).totalCount).toBe(1);
    expect((await list(two)).edges.map((edge: any) => edge.node.id)).toEqual([theirs.webhook.id]);
    const everyone = (await list(ADMIN)).edges.map((edge: any) => edge.node.id);
    expect(everyone).toEqual(expect.arrayContaining([mine.webhook.id, theirs.webhook.id]));
    // Another key's webhook is as good as missing: not testable, not deletable, not refetchable.
    for (const operation of ['testWebhook(id: $id) { id }', 'deleteWebhook(id: $id) { id }']) {
      const refused = await app.gql(`mutation($id: ID!) { ${operation} }`, { id: theirs.webhook.id }, one);
      expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    expect(ok(await app.gql<any>('query($id: ID!) { node(id: $id) { id } }', { id: theirs.webhook.id }, one)).node).toBeNull();
    expect(ok(await app.gql<any>('query($id: ID!) { node(id: $id) { id } }', { id: theirs.webhook.id })).node).toBeNull();
    expect(receiver.received.some((message) => message.path === '/partner-two')).toBe(false);
    // The owner deletes it; then it is gone for everyone.
    expect(ok(await app.gql<any>('mutation($id: ID!) { deleteWebhook(id: $id) { id url } }', { id: theirs.webhook.id }, two)).deleteWebhook).toEqual({ id: theirs.webhook.id, url: receiver.url('/partner-two') });
    expect((await list(two)).edges).toEqual([]);
    expect((await list(ADMIN)).edges.map((edge: any) => edge.node.id)).not.toContain(theirs.webhook.id);
  });

  it('disables a webhook whose deliveries fail for the whole failure window, and says why', async () => {
    const down = await source('down', 1, false);
    receiver.script('/down', [500]);
    const created = ok(await create({ url: receiver.url('/down'), events: ['FEED_ITEM_ADDED'], filter: { sourceIds: [down.globalId] } })).createWebhook;
    await down.run();
    // WEBHOOK_FAILURE_WINDOW_SECONDS=6: retried with backoff meanwhile, then disabled.
    await until(async () => (await deliveriesOf(created.webhook.id)).disabledAt !== null, 'the webhook disabled', 30_000);
    const { disabledReason, attempts } = await deliveriesOf(created.webhook.id);
    expect(disabledReason).toMatch(/^Every delivery failed for 6 seconds, so the webhook was disabled; the last attempt: HTTP 500\.$/);
    expect(attempts.length).toBeGreaterThan(2);
    expect(attempts.every((attempt) => attempt.status === 'FAILED' && attempt.responseStatus === 500)).toBe(true);
    // Attempts spread out: each wait is longer than the one before (exponential backoff, jitter within half).
    const times = attempts.map((attempt) => new Date(attempt.at).getTime()).reverse();
    expect(times[times.length - 1]! - times[0]!).toBeGreaterThanOrEqual(5_000);
    const sent = receiver.received.filter((message) => message.path === '/down').length;
    expect(sent).toBe(attempts.length);
  }, 45_000);
});

