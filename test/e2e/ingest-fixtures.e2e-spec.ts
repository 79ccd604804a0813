import { createLogger } from '../../src/common/logger';
import { loadConfig } from '../../src/config/config';
import { IngestService } from '../../src/ingest/ingest.service';
import { ingestRepositories } from '../support/ingest-repositories';
import { fromGlobalId } from '../../src/graphql/relay/global-id';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { ADMIN, addSource, admin, adminRequest, ingestConfig, refresh, SOURCE_STATUS_FIELDS } from '../support/ingest-app';
import { SourceHeadlineTextsDocument } from '../support/generated/graphql';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Ingest's failure handling: every fixture the local server plays gives its documented outcome and a
 * per-source record of it (Source.fetchStatus), never a crash or a hang. Article pages are off
 * here: the parser fixtures link to example.org, which tests must not reach.
 */
const PAUSE_AFTER = 3;

/**
 * The fetch deadline: short enough that the one-byte-a-second feed ends soon, long enough that the
 * 50 MB feed and the gzip bomb reach the 10 MB cap first even on a loaded machine (at 2.5 s the bomb
 * once timed out while inflating under stress-ng, TIMEOUT instead of TOO_LARGE).
 */
const FETCH_TIMEOUT_MS = 8000;

describe('ingesting every kind of feed the fixture server plays', () => {
  let app: TestApp;
  let server: FixtureServer;
  const now = () => Date.now();

  beforeAll(async () => {
    server = await startFixtureServer();
    app = await startTestApp(ingestConfig({ INGEST_ARTICLE_PAGES: 'false', FETCH_PAUSE_AFTER_FAILURES: String(PAUSE_AFTER), FETCH_TIMEOUT_MS: String(FETCH_TIMEOUT_MS) }));
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  async function follow(path: string, name = `fixture ${path}`) {
    const source = await addSource(app, { name, feedUrls: [server.url(path)], fetchIntervalMinutes: 60 });
    return { ...source, ...(await refresh(app, source.id)) };
  }

  async function headlines(slug: string): Promise<string[]> {
    const data = await adminRequest(app, SourceHeadlineTextsDocument, { slug });
    return data.source!.latestFeed.edges.map((edge) => edge.node.headline);
  }

  it.each([
    ['/feeds/atom.xml', 2],
    ['/feeds/rss1.rdf', 2],
    ['/feeds/feed.json', 3],
    ['/feeds/bengali.xml', 4],
  ])('stores %s (%i items)', async (path, count) => {
    const { run, source, slug } = await follow(path);
    expect(run).toMatchObject({ outcome: 'succeeded', itemsSeen: count, error: null });
    expect(source.fetchStatus).toMatchObject({ state: 'ACTIVE', lastError: null, itemsSeen: count, consecutiveFailures: 0 });
    // The deprecated name answers the same time until it is removed.
    expect(source.fetchStatus.lastFetchedAt).toEqual(expect.any(String));
    expect(source.fetchStatus.lastFetchAt).toBe(source.fetchStatus.lastFetchedAt);
    expect(source.fetchStatus.feeds[0]).toMatchObject({ lastStatus: 200, lastError: null, itemsSeen: count });
    expect(await headlines(slug)).toHaveLength(count);
  });

  it('keeps GUIDs as strings: 00123, 123 and 1e3 are three items', async () => {
    const { slug } = await follow('/feeds/feed.json', 'JSON Feed again');
    const rows: Array<{ key: string }> = await app.db.manager.query(
      `SELECT f.item_key AS key FROM feed_item f JOIN source s ON s.id = f.source_id WHERE s.slug = $1 ORDER BY 1`,
      [slug],
    );
    expect(rows.map((row) => row.key)).toEqual(['guid:00123', 'guid:123', 'guid:1e3']);
  });

  it('decodes windows-1251 and Shift_JIS feeds by their declared charsets', async () => {
    const cyrillic = await follow('/feeds/windows-1251.xml');
    expect(cyrillic.run.outcome).toBe('succeeded');
    expect(await headlines(cyrillic.slug)).toEqual(['Курс рубля укрепился']);
    const japanese = await follow('/feeds/shift_jis.xml');
    expect(japanese.run.outcome).toBe('succeeded');
    const [headline] = await headlines(japanese.slug);
    expect(headline).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });

  it.each([
    ['/feeds/malformed.xml', /^.*MALFORMED/, 200],
    ['/feeds/not-a-feed', /UNSUPPORTED_FORMAT/, 200],
    ['/feeds/xxe-file.xml', /FORBIDDEN_DTD|MALFORMED/, 200],
    ['/feeds/xxe-http.xml', /FORBIDDEN_DTD|MALFORMED/, 200],
    ['/feeds/billion-laughs.xml', /FORBIDDEN_DTD|MALFORMED/, 200],
    // Cut before the response was complete: no status recorded.
    ['/feeds/huge.xml', /TOO_LARGE/, null],
    ['/feeds/gzip-bomb.xml', /TOO_LARGE/, null],
    ['/feeds/redirect-metadata', /BLOCKED_ADDRESS/, null],
    ['/feeds/redirect-private', /BLOCKED_ADDRESS/, null],
    ['/feeds/redirect-loop', /TOO_MANY_REDIRECTS/, null],
    ['/feeds/not-found.xml', /HTTP_STATUS \(HTTP 404\)/, 404],
  ])('records %s as a failure of the source: %s', async (path, error, status) => {
    const rssBefore = process.memoryUsage().rss;
    const { run, source } = await follow(path);
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatch(error);
    expect(source.fetchStatus).toMatchObject({ state: 'ACTIVE', consecutiveFailures: 1, itemsSeen: 0 });
    expect(source.fetchStatus.lastError).toMatch(error);
    expect(source.fetchStatus.feeds[0].lastError).toMatch(error);
    expect(source.fetchStatus.feeds[0].lastStatus).toBe(status);
    // A 1 GB gzip bomb or a 50 MB feed is cut at the 10 MB cap while streaming: memory stays flat.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    expect(await app.db.manager.query('SELECT count(*)::int AS n FROM feed_item f JOIN source s ON s.id = f.source_id WHERE s.id = $1', [fromGlobalId(source.id).id])).toEqual([{ n: 0 }]);
  });

  it('never fetches an external entity or DTD', () => {
    expect(server.hits('/feeds/xxe-http.xml')).toBeGreaterThan(0);
    expect(server.hits('/evil.dtd')).toBe(0);
    expect(server.hits('/xxe.txt')).toBe(0);
  });

  it('ends a server that trickles a byte a second at the deadline', async () => {
    const started = now();
    const { run } = await follow('/feeds/trickle.xml');
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatch(/TIMEOUT/);
    // Ended by the deadline, not by the trickle's end (it would take minutes): a bound, not a timing.
    expect(now() - started).toBeLessThan(FETCH_TIMEOUT_MS + 20_000);
  });

  it('backs off after 429 (Retry-After) and 5xx, and pauses a source that keeps failing, keeping its error', async () => {
    const limited = await follow('/feeds/rate-limited.xml');
    expect(limited.run.error).toMatch(/RATE_LIMITED \(HTTP 429\)/);
    expect(Date.parse(limited.source.fetchStatus.nextRunAt) - now()).toBeGreaterThan(3500 * 1000);

    const down = await follow('/feeds/unavailable.xml');
    expect(down.run.error).toMatch(/HTTP 503/);
    // The first failure waits the interval (60 min); each next one doubles it.
    const first = Date.parse(down.source.fetchStatus.nextRunAt) - now();
    expect(first).toBeGreaterThan(59 * 60_000);
    let last: Awaited<ReturnType<typeof refresh>> = down;
    for (let i = 2; i <= PAUSE_AFTER; i++) last = await refresh(app, down.id);
    expect(Date.parse(last.source.fetchStatus.nextRunAt) - now()).toBeGreaterThan(first * 2);
    expect(last.source.fetchStatus).toMatchObject({ state: 'FAILING', consecutiveFailures: PAUSE_AFTER });
    expect(last.source.fetchStatus.lastError).toMatch(/HTTP 503/);

    // Resumed by an admin: active again, due now, failures forgotten; the error stays on record.
    const resumed = await admin(app, `mutation($id: ID!) { updateSource(id: $id, input: { paused: false }) { ${SOURCE_STATUS_FIELDS} } }`, { id: down.id });
    expect(resumed.updateSource.fetchStatus).toMatchObject({ state: 'ACTIVE', consecutiveFailures: 0 });
    expect(Date.parse(resumed.updateSource.fetchStatus.nextRunAt)).toBeLessThanOrEqual(now());
  });

  it('sends ETag and Last-Modified back and takes 304 as success without rewriting anything', async () => {
    const first = await follow('/feeds/conditional.xml');
    expect(first.run).toMatchObject({ outcome: 'succeeded', itemsSeen: 3, articlesCreated: 3 });
    const second = await refresh(app, first.id);
    expect(server.lastHeaders('/feeds/conditional.xml')?.['if-none-match']).toBe('"v1"');
    expect(second.run).toMatchObject({ outcome: 'succeeded', articlesCreated: 0, feedItemsWritten: 0 });
    expect(second.run.feeds[0]).toMatchObject({ outcome: 'not-modified', httpStatus: 304 });
    expect(second.source.fetchStatus).toMatchObject({ lastError: null, consecutiveFailures: 0 });
    expect(second.source.fetchStatus.feeds[0].lastStatus).toBe(304);
  });

  it('refuses the fixture server itself under the default configuration (no FETCH_ALLOWLIST)', async () => {
    const source = await addSource(app, { name: 'loopback', feedUrls: [server.url('/feeds/atom.xml')] });
    const { adminToken: _token, ...defaults } = loadConfig({ LOG_LEVEL: 'silent' });
    const strict = new IngestService({ config: { ...app.database.config, fetch: defaults.fetch }, db: app.db, logger: createLogger('silent'), repositories: ingestRepositories(app.db) });
    try {
      const run = await strict.runSource(fromGlobalId(source.id).id);
      expect(run.outcome).toBe('failed');
      expect(run.error).toMatch(/BLOCKED_ADDRESS/);
    } finally {
      await strict.close();
    }
  });

  it('keeps fetch status and feed URLs from anonymous callers and partners', async () => {
    const res = await app.gql(`{ sources(first: 1) { edges { node { name fetchStatus { state } } } } }`);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    // feedUrls is non-null: refusing it takes the source with it (security-holes.e2e-spec.ts has more).
    const urls = await app.gql(`{ sources(first: 1) { edges { node { name feedUrls } } } }`);
    expect(urls.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(urls.raw).not.toContain(server.origin);
    const mutation = await app.gql(`mutation { addSource(input: { name: "x", feedUrls: ["https://x.example/feed"] }) { id } }`);
    expect(mutation.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const asAdmin = await app.gql(`{ sources(first: 1) { edges { node { fetchStatus { state } } } } }`, undefined, ADMIN);
    expect(asAdmin.errors).toBeUndefined();
  });
});
