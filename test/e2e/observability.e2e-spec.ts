import { createLogger } from '../../src/common/logger';
import { sqlStatementCount } from '../../src/db/sql-executor';
import { captureLogs } from '../support/captured-logs';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { buildFixtures } from '../support/fixtures';
import { ADMIN, addSource, ingestConfig, refresh } from '../support/ingest-app';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { ok } from './helpers';

/**
 * Operating the gateway: Prometheus metrics at GET /metrics (a registry per gateway, token,
 * METRICS=false) and structured logs where every line of a request carries its reqId. All through
 * the real HTTP endpoint. The SIGTERM behaviour of the real process is in shutdown.e2e-spec.ts.
 */

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample of `name` whose labels include `labels` (0 when there is none). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value ?? 0;
}

async function scrape(app: TestApp, headers: Record<string, string> = {}): Promise<{ status: number; text: string; samples: Sample[]; contentType: string | null }> {
  const res = await fetch(`${app.url}/metrics`, { headers });
  const text = await res.text();
  return { status: res.status, text, samples: res.status === 200 ? parseMetrics(text) : [], contentType: res.headers.get('content-type') };
}

/** The article's source is not joined in the sidebar statement: it goes through the sourceById loader. */
const SIDEBAR = `query Sidebar { latestFeed(first: 10) { edges { node { headline source { name } article { title source { name } authors { name } } } } } }`;
/** What SIDEBAR selects. */
interface SidebarData {
  latestFeed: { edges: Array<{ node: { headline: string; source: { name: string }; article: { title: string; source: { name: string }; authors: Array<{ name: string }> } | null } }> };
}

describe('GET /metrics', () => {
  let app: TestApp;
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer();
    // Through Apollo and the resolvers, whose DataLoader batches are counted here; the compiled
    // path's metrics are checked in compiled-operations.e2e-spec.ts.
    app = await startTestApp({ ...ingestConfig(), compileAfter: 0 });
    await buildFixtures(app.db, { articles: 30, feedItems: 30 });
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('exposes every family in the Prometheus text format, default process metrics included', async () => {
    ok(await app.gql(SIDEBAR));
    const { status, text, contentType } = await scrape(app);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const family of [
      'newsgate_graphql_requests_total counter',
      'newsgate_graphql_request_duration_seconds histogram',
      'newsgate_sql_statements_per_request histogram',
      'newsgate_dataloader_batch_size histogram',
      'newsgate_graphql_errors_total counter',
      'newsgate_http_errors_total counter',
      'newsgate_ingest_runs_total counter',
      'newsgate_ingest_run_duration_seconds histogram',
      'newsgate_ingest_fetches_total counter',
      'newsgate_ingest_items_fetched_total counter',
      'newsgate_ingest_items_total counter',
      'process_cpu_user_seconds_total counter',
      'process_resident_memory_bytes gauge',
      'nodejs_eventloop_lag_seconds gauge',
      'nodejs_heap_size_used_bytes gauge',
    ]) {
      expect(text).toContain(`# TYPE ${family}\n`);
    }
  });

  it('a sidebar query counts its operation, its latency, its SQL statements and its DataLoader batches', async () => {
    const before = (await scrape(app)).samples;
    const statementsBefore = sqlStatementCount();
    const data = ok(await app.gql<SidebarData>(SIDEBAR));
    const statements = sqlStatementCount() - statementsBefore;
    const after = (await scrape(app)).samples;
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);

    const operation = { operation: 'Sidebar', outcome: 'success' };
    expect(delta('newsgate_graphql_requests_total', operation)).toBe(1);
    expect(delta('newsgate_graphql_request_duration_seconds_count', operation)).toBe(1);
    expect(delta('newsgate_graphql_request_duration_seconds_sum', operation)).toBeGreaterThan(0);
    expect(delta('newsgate_graphql_request_duration_seconds_bucket', { ...operation, le: '+Inf' })).toBe(1);

    // One observation per request, of exactly the statements the request ran.
    expect(statements).toBeGreaterThan(0);
    expect(delta('newsgate_sql_statements_per_request_count', { route: 'graphql' })).toBe(1);
    expect(delta('newsgate_sql_statements_per_request_sum', { route: 'graphql' })).toBe(statements);

    // The articles' sources come in one sourceById batch of the distinct ids.
    const distinctSources = new Set(data.latestFeed.edges.flatMap((e) => (e.node.article ? [e.node.article.source.name] : []))).size;
    expect(distinctSources).toBeGreaterThan(1);
    expect(delta('newsgate_dataloader_batch_size_count', { loader: 'sourceById' })).toBe(1);
    expect(delta('newsgate_dataloader_batch_size_sum', { loader: 'sourceById' })).toBe(distinctSources);
  });

  it('counts errors by code, requests that never resolved an operation, and 4xx answers by route', async () => {
    const before = (await scrape(app)).samples;
    const bad = await app.gql('{ noSuchField }');
    expect(bad.status).toBe(400);
    expect(bad.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const notFound = await app.gql('query Missing($id: ID!) { node(id: $id) { id } }', { id: 'not-a-global-id' });
    expect(notFound.errors?.length).toBeGreaterThan(0);
    expect((await fetch(`${app.url}/no/such/route?secret=1`)).status).toBe(404);
    const after = (await scrape(app)).samples;
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);

    expect(delta('newsgate_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(delta('newsgate_graphql_errors_total', { code: String(notFound.errors![0]!.extensions!.code) })).toBe(1);
    expect(delta('newsgate_graphql_requests_total', { operation: 'unknown', outcome: 'client_error' })).toBe(1);
    expect(delta('newsgate_graphql_requests_total', { operation: 'Missing', outcome: notFound.status === 200 ? 'graphql_error' : 'client_error' })).toBe(1);
    expect(delta('newsgate_http_errors_total', { route: 'graphql', status: '400' })).toBe(1);
    expect(delta('newsgate_http_errors_total', { route: 'unmatched', status: '404' })).toBe(1);
    // The path a client asked for never becomes a label.
    expect(after.some((s) => Object.values(s.labels).some((v) => v.includes('/no/such')))).toBe(false);
  });

  it('anonymous operations are `anonymous`; past 100 distinct names, the rest count as `other`', async () => {
    ok(await app.gql('{ __typename }'));
    for (let i = 0; i < 110; i++) ok(await app.gql(`query Generated${i} { __typename }`));
    ok(await app.gql(`query ${'L'.repeat(500)} { __typename }`));
    const { samples } = await scrape(app);
    const names = new Set(samples.filter((s) => s.name === 'newsgate_graphql_requests_total').map((s) => s.labels.operation!));
    expect(value(samples, 'newsgate_graphql_requests_total', { operation: 'anonymous', outcome: 'success' })).toBeGreaterThanOrEqual(1);
    expect(names.has('other')).toBe(true);
    expect(names.size).toBeLessThanOrEqual(100 + 3); // + anonymous, unknown, other
    expect([...names].every((name) => name.length <= 64)).toBe(true);
  });

  it('counts ingestion: runs, feed fetches by outcome, items fetched, stored and already stored', async () => {
    const good = await addSource(app, { name: 'Atom', feedUrls: [server.url('/feeds/atom.xml')] });
    const broken = await addSource(app, { name: 'Gone', feedUrls: [server.url('/feeds/not-found.xml')] });
    const before = (await scrape(app)).samples;
    const first = await refresh(app, good.id);
    const again = await refresh(app, good.id);
    const failed = await refresh(app, broken.id);
    expect([first.run.outcome, again.run.outcome, failed.run.outcome]).toEqual(['succeeded', 'succeeded', 'failed']);
    const after = (await scrape(app)).samples;
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);

    expect(delta('newsgate_ingest_runs_total', { outcome: 'succeeded' })).toBe(2);
    expect(delta('newsgate_ingest_runs_total', { outcome: 'failed' })).toBe(1);
    expect(delta('newsgate_ingest_run_duration_seconds_count')).toBe(3);
    expect(delta('newsgate_ingest_fetches_total', { target: 'feed', outcome: 'ok' })).toBe(2);
    expect(delta('newsgate_ingest_fetches_total', { target: 'feed', outcome: 'http_status' })).toBe(1);
    expect(delta('newsgate_ingest_items_fetched_total')).toBe(first.run.itemsSeen + again.run.itemsSeen);
    expect(delta('newsgate_ingest_items_total', { result: 'stored' })).toBe(first.run.articlesCreated);
    expect(first.run.articlesCreated).toBeGreaterThan(0);
    // The second run finds every item stored as it is.
    expect(again.run.feedItemsWritten).toBe(0);
    expect(delta('newsgate_ingest_items_total', { result: 'duplicate' })).toBe(again.run.itemsSeen + first.run.itemsSeen - first.run.feedItemsWritten);
    expect(again.run.itemsSeen).toBeGreaterThan(0);
  });

  it('each gateway has its own registry', async () => {
    const other = await startTestApp(e2eConfig());
    try {
      const { samples } = await scrape(other);
      expect(value(samples, 'newsgate_graphql_requests_total', { operation: 'Sidebar', outcome: 'success' })).toBe(0);
      expect(value((await scrape(app)).samples, 'newsgate_graphql_requests_total', { operation: 'Sidebar', outcome: 'success' })).toBe(2);
    } finally {
      await other.close();
    }
  });
});

describe('GET /metrics with METRICS_TOKEN, and with METRICS=false', () => {
  const TOKEN = 'metrics-token-0123456789';
  let secured: TestApp;
  let disabled: TestApp;

  beforeAll(async () => {
    secured = await startTestApp(e2eConfig({ METRICS_TOKEN: TOKEN }));
    disabled = await startTestApp(e2eConfig({ METRICS: 'false' }));
  });
  afterAll(async () => {
    await secured?.close();
    await disabled?.close();
  });

  it('answers 401 without the bearer token or with a wrong one, and the metrics with it', async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }];
    for (const headers of attempts) {
      const res = await scrape(secured, headers);
      expect([headers, res.status]).toEqual([headers, 401]);
      expect(res.text).not.toContain('newsgate_');
      expect(JSON.parse(res.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    const res = await scrape(secured, { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE newsgate_graphql_requests_total counter');
    // The refusals were counted.
    expect(value(res.samples, 'newsgate_http_errors_total', { route: '/metrics', status: '401' })).toBe(5);
  });

  it('METRICS=false: there is no /metrics (404), and the API works as ever', async () => {
    const res = await fetch(`${disabled.url}/metrics`);
    expect(res.status).toBe(404);
    ok(await disabled.gql('{ __typename }'));
  });
});

describe('logs', () => {
  let app: TestApp;
  let server: FixtureServer;
  const { logger, lines, parsed } = captureLogs('debug');

  beforeAll(async () => {
    server = await startFixtureServer();
    app = await startTestApp(ingestConfig(), logger);
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });


  it('every line written while a request is handled carries its reqId, services’ lines and the access line included', async () => {
    const source = await addSource(app, { name: 'Atom', feedUrls: [server.url('/feeds/atom.xml')] });
    lines.length = 0;
    const res = await app.gql(`mutation Refresh($id: ID!) { refreshSource(id: $id) { run { outcome } } }`, { id: source.id }, { ...ADMIN, 'x-request-id': 'refresh-1' });
    expect(res.errors).toBeUndefined();
    expect(res.headers.get('x-request-id')).toBe('refresh-1');
    const logged = parsed();
    // The ingest service logs its run from deep inside the request; the access line comes last.
    const run = logged.find((line) => line.msg === 'ingest run finished');
    expect(run).toMatchObject({ reqId: 'refresh-1', level: 30, service: 'newsgate', outcome: 'succeeded' });
    const access = logged.find((line) => line.msg === 'request completed');
    expect(access).toMatchObject({ reqId: 'refresh-1', method: 'POST', path: '/graphql', status: 200, operation: 'Refresh', level: 30 });
    expect(access!.durationMs).toEqual(expect.any(Number));
    expect(access!.sql).toBeGreaterThan(0);
    expect(logged.every((line) => line.reqId === 'refresh-1')).toBe(true);
  });

  it('a request without an id gets one, on its response and on every line; concurrent requests keep theirs apart', async () => {
    lines.length = 0;
    const responses = await Promise.all([1, 2, 3, 4].map(() => app.gql('query Ping { __typename }')));
    const ids = responses.map((res) => res.headers.get('x-request-id'));
    expect(new Set(ids).size).toBe(4);
    const access = parsed().filter((line) => line.msg === 'request completed');
    expect(access.map((line) => line.reqId).sort()).toEqual([...ids].sort());
  });

  it('the error formatter’s and a failed statement’s lines carry the reqId; the access line leaves the query string out', async () => {
    await buildFixtures(app.db, { articles: 3, feedItems: 3 });
    await app.db.manager.query('DROP TABLE article_cited_source');
    lines.length = 0;
    const res = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ articles(first: 3) { edges { node { citedSources { name } } } } }')}&key=secret-key`, {
      headers: { 'x-request-id': 'broken-1', 'apollo-require-preflight': 'true' },
    });
    const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    const logged = parsed();
    const failure = logged.find((line) => line.level === 50);
    expect(failure).toMatchObject({ reqId: 'broken-1' });
    expect(JSON.stringify(failure)).toMatch(/article_cited_source/); // the log has what the client does not
    const access = logged.find((line) => line.msg === 'request completed')!;
    expect(access).toMatchObject({ reqId: 'broken-1', method: 'GET', path: '/graphql', status: 200 });
    expect(lines.join('\n')).not.toContain('secret-key');
    expect(logged.every((line) => line.reqId === 'broken-1')).toBe(true);
  });

  it('probes are logged at debug, other routes at info; lines outside requests have no reqId', async () => {
    lines.length = 0;
    await fetch(`${app.url}/healthz`);
    await fetch(`${app.url}/feeds/latest.rss`);
    const access = parsed().filter((line) => line.msg === 'request completed');
    expect(access.map((line) => [line.path, line.level])).toEqual([
      ['/healthz', 20],
      ['/feeds/latest.rss', 30],
    ]);
    const outside = createLogger('info', { write: (line: string) => lines.push(line) });
    lines.length = 0;
    outside.info('not in a request');
    expect(JSON.parse(lines[0]!)).not.toHaveProperty('reqId');
  });
});
