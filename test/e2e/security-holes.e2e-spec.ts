import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { exitCodeFor } from '../../src/composition/exit-codes';
import { createLogger } from '../../src/common/logger';
import { registerIngestCommands } from '../../src/cli/ingest-commands';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { ADMIN, ADMIN_TOKEN, addSource, admin, ingestConfig, refresh } from '../support/ingest-app';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { SourceSidebarDocument } from '../support/generated/graphql';
import { codes, ok } from './helpers';
import type { JsonFeedBody } from '../support/json-bodies';

/**
 * Holes found from outside, each through the real endpoint, a real ingest from the local fixture
 * server and the real database: dates from the far future, markup and bidi overrides in names and
 * headlines, credentials and private addresses in feed URLs, operational fields shown to anyone,
 * and field suggestions that spell out the schema.
 */
describe('security holes', () => {
  let app: TestApp;
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer();
    app = await startTestApp(ingestConfig({ INGEST_ARTICLE_PAGES: 'false' }));
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  const RSS = 'application/rss+xml; charset=utf-8';
  const rss = (items: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Future desk</title><link>${server.url('/')}</link>${items}</channel></rss>`;
  const item = (id: string, title: string, pubDate: string) =>
    `<item><title>${title}</title><link>${server.url(`/future/${id}`)}</link><guid>${id}</guid><pubDate>${pubDate}</pubDate><description>Story ${id}.</description></item>`;

  /** `newsgate <args>` through the real command definitions, on a test app's database and configuration. */
  async function newsgate(target: TestApp, ...args: string[]): Promise<string> {
    const lines: string[] = [];
    const program = new Command().exitOverride();
    registerIngestCommands(
      program,
      (work) => work({ config: target.database.config, database: target.database.handle, db: target.db, logger: createLogger('silent') }),
      { log: (line) => lines.push(line) },
    );
    await program.parseAsync(['node', 'newsgate', ...args]);
    return lines.join('\n');
  }

  async function cliFailure(target: TestApp, ...args: string[]): Promise<{ exitCode: number; message: string }> {
    try {
      await newsgate(target, ...args);
    } catch (error) {
      return { exitCode: exitCodeFor(error), message: (error as Error).message };
    }
    throw new Error(`newsgate ${args.join(' ')} succeeded`);
  }

  function opmlFile(urls: string[]): string {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'newsgate-holes-')), 'subscriptions.opml');
    const outlines = urls.map((url, i) => `<outline text="Imported ${i}" type="rss" xmlUrl="${url.replace(/&/g, '&amp;')}"/>`).join('');
    writeFileSync(file, `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>${outlines}</body></opml>`);
    return file;
  }

  async function sidebar(sourceId: string): Promise<Array<{ headline: string; publishedAt: string }>> {
    const data = ok(await app.request(SourceSidebarDocument, { s: sourceId }));
    return data.latestFeed.edges.map((edge) => edge.node);
  }

  describe('far-future dates', () => {
    it('clamps a date past the fetch time to the fetch time, records the claim, and lets newer stories above it', async () => {
      const past = 'Wed, 03 Sep 2025 10:00:00 GMT';
      server.setDynamic('future.xml', rss(item('far', 'From the year 9999', 'Fri, 01 Jan 9999 00:00:00 GMT') + item('old', 'An old story', past)), RSS);
      const source = await addSource(app, { name: 'Future desk', feedUrls: [server.url('/dynamic/future.xml')] });

      const before = Date.now();
      const first = await refresh(app, source.id);
      const after = Date.now();
      expect(first.run).toMatchObject({ outcome: 'succeeded', itemsSeen: 2 });
      const [far, old] = await sidebar(source.id);
      expect(far!.headline).toBe('From the year 9999');
      // The fetch time, not 9999: at most the tolerance after the run.
      const farTime = new Date(far!.publishedAt).getTime();
      expect(farTime).toBeGreaterThanOrEqual(before - 1000);
      expect(farTime).toBeLessThanOrEqual(after);
      expect(old).toEqual({ headline: 'An old story', publishedAt: new Date(past).toISOString() });

      // The claim is kept beside the clamped date, on the headline and on its article.
      const [row] = await app.db.manager.query(
        `SELECT f.published_at_claimed AS "itemClaim", a.published_at_claimed AS "articleClaim", a.published_at AS "articleDate"
         FROM feed_item f JOIN article a ON a.id = f.article_id WHERE f.item_key = 'guid:far'`,
      );
      expect(new Date(row.itemClaim).toISOString()).toBe('9999-01-01T00:00:00.000Z');
      expect(new Date(row.articleClaim).toISOString()).toBe('9999-01-01T00:00:00.000Z');
      expect(new Date(row.articleDate).getTime()).toBe(farTime);
      const unclamped = await app.db.manager.query(`SELECT count(*)::int AS n FROM feed_item WHERE item_key = 'guid:old' AND published_at_claimed IS NULL`);
      expect(unclamped[0].n).toBe(1);

      // A later fetch neither re-dates the clamped story to its own time (which would keep it on top
      // for good) nor believes 9999; a story published since goes above it.
      const fresh = new Date(Date.now() + 60_000).toUTCString();
      server.setDynamic('future.xml', rss(item('new', 'A newer story', fresh) + item('far', 'From the year 9999', 'Fri, 01 Jan 9999 00:00:00 GMT') + item('old', 'An old story', past)), RSS);
      await refresh(app, source.id);
      const headlines = await sidebar(source.id);
      expect(headlines.map((h) => h.headline)).toEqual(['A newer story', 'From the year 9999', 'An old story']);
      expect(headlines[1]!.publishedAt).toBe(far!.publishedAt);

      // The syndication feed orders the same way and shows no year 9999.
      const feed = (await (await fetch(`${app.url}/feeds/latest.json?source=${source.slug}`)).json()) as JsonFeedBody;
      expect(feed.items.map((entry) => entry.title)).toEqual(['A newer story', 'From the year 9999', 'An old story']);
      expect(JSON.stringify(feed)).not.toContain('9999-01-01');
    });
  });

  describe('markup and bidi controls in names and headlines', () => {
    const RLO = '\u202E';
    const PDF = '\u202C';

    it('stores a JSON Feed author as plain text, as RSS does, and headlines without bidi overrides (Arabic kept)', async () => {
      server.setDynamic(
        'hostile.json',
        JSON.stringify({
          version: 'https://jsonfeed.org/version/1.1',
          title: 'Hostile desk',
          items: [
            {
              id: 'eve',
              url: server.url('/hostile/eve'),
              title: `عاجل: ${RLO}gpj.exe${PDF} في أنقرة`,
              authors: [{ name: '<b onmouseover=alert(1)>Eve</b> Mallory' }],
              content_text: 'Body.',
              date_published: '2025-09-03T10:00:00Z',
            },
          ],
        }),
        'application/feed+json',
      );
      server.setDynamic('hostile.xml', rss(`<item><title>Same desk</title><link>${server.url('/hostile/rss')}</link><guid>rss</guid><dc:creator>&lt;b onmouseover=alert(1)&gt;Eve&lt;/b&gt; Mallory</dc:creator><description>Body two.</description></item>`), RSS);
      const json = await addSource(app, { name: 'Hostile JSON', feedUrls: [server.url('/dynamic/hostile.json')] });
      const xml = await addSource(app, { name: 'Hostile RSS', feedUrls: [server.url('/dynamic/hostile.xml')] });
      await refresh(app, json.id);
      await refresh(app, xml.id);
      const query = `query($id: ID) { latestFeed(sourceId: $id, first: 1) { edges { node { headline article { title byline authors { name } } } } } }`;
      const fromJson = ok(await app.gql(query, { id: json.id })).latestFeed.edges[0].node;
      const fromRss = ok(await app.gql(query, { id: xml.id })).latestFeed.edges[0].node;
      expect(fromJson.article.byline).toBe('Eve Mallory');
      expect(fromJson.article.byline).toBe(fromRss.article.byline);
      expect(fromJson.article.authors).toEqual([{ name: 'Eve Mallory' }]);
      expect(fromJson.headline).toBe('عاجل: gpj.exe في أنقرة');
      expect(fromJson.article.title).toBe(fromJson.headline);
      const [{ n }] = await app.db.manager.query(`SELECT count(*)::int AS n FROM person WHERE name ~ '[<>]'`);
      expect(n).toBe(0);
    });
  });

  describe('credentials in feed URLs', () => {
    const withCredentials = () => server.url('/feeds/atom.xml').replace('http://', 'http://user:s3cret-pass@');
    const mutation = `mutation($input: AddSourceInput!) { addSource(input: $input) { id } }`;

    it('refuses a URL with user info in addSource, without repeating the password', async () => {
      for (const input of [
        { name: 'Creds', feedUrls: [withCredentials()] },
        { name: 'Creds', feedUrls: [server.url('/feeds/rss1.rdf'), 'https://user@news.example/feed.xml'] },
        { name: 'Creds', feedUrls: [server.url('/feeds/rss1.rdf')], homepageUrl: 'https://:only-a-password@news.example/' },
      ]) {
        const res = await app.gql(mutation, { input }, ADMIN);
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0]!.extensions).toMatchObject({ reason: 'URL_WITH_CREDENTIALS' });
        expect(res.raw).not.toMatch(/s3cret|only-a-password/);
      }
      const [{ n }] = await app.db.manager.query(`SELECT count(*)::int AS n FROM source WHERE name = 'Creds'`);
      expect(n).toBe(0);
    });

    it('refuses it in updateSource, in `newsgate sources add` and in an OPML import', async () => {
      const source = await addSource(app, { name: 'Clean', feedUrls: [server.url('/feeds/rss1.rdf')] });
      for (const input of [{ feedUrls: [withCredentials()] }, { homepageUrl: withCredentials() }]) {
        const res = await app.gql(`mutation($id: ID!, $input: UpdateSourceInput!) { updateSource(id: $id, input: $input) { id } }`, { id: source.id, input }, ADMIN);
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0]!.extensions).toMatchObject({ reason: 'URL_WITH_CREDENTIALS' });
      }
      expect((await admin(app, `query($id: ID!) { source(id: $id) { feedUrls homepageUrl } }`, { id: source.id })).source).toEqual({
        feedUrls: [server.url('/feeds/rss1.rdf')],
        homepageUrl: null,
      });

      const cli = await cliFailure(app, 'sources', 'add', withCredentials());
      expect(cli.exitCode).toBe(2);
      expect(cli.message).toMatch(/user name or password/);
      expect(cli.message).not.toContain('s3cret');

      const out = await newsgate(app, 'sources', 'import', opmlFile([withCredentials()]));
      expect(out).toMatch(/user name or password/);
      expect(out).not.toContain('s3cret');
      const [{ n }] = await app.db.manager.query(`SELECT count(*)::int AS n FROM source_feed WHERE url LIKE '%s3cret%'`);
      expect(n).toBe(0);
    });
  });

  describe('operational fields', () => {
    let partnerKey: string;
    let slug: string;

    beforeAll(async () => {
      partnerKey = (await app.gateway.services.services.apiKeys.create({ name: 'Holes partner' })).secret;
      // A source whose feed failed: its fetch status holds an error naming the feed.
      const source = await addSource(app, { name: 'Operational', feedUrls: [server.url('/feeds/not-found.xml')] });
      await refresh(app, source.id);
      slug = source.slug;
    });

    it('shows feed URLs and fetch status to admins only: anonymous callers and partners get an error, never the URL', async () => {
      const queries = [
        `query($slug: String) { source(slug: $slug) { name feedUrls } }`,
        `query($slug: String) { source(slug: $slug) { name fetchStatus { state lastError feeds { url lastStatus lastError } } } }`,
      ];
      for (const query of queries) {
        const anonymous = await app.gql(query, { slug });
        expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
        const partner = await app.gql(query, { slug }, { 'x-api-key': partnerKey });
        expect(codes(partner)).toEqual(['FORBIDDEN']);
        for (const res of [anonymous, partner]) {
          expect(res.raw).not.toContain(server.origin);
          expect(res.raw).not.toContain('not-found.xml');
        }
      }
      // feedUrls is non-null: the source goes with it; fetchStatus is nullable: only it goes.
      expect((await app.gql(queries[0]!, { slug })).data).toEqual({ source: null });
      expect((await app.gql(queries[1]!, { slug })).data).toEqual({ source: { name: 'Operational', fetchStatus: null } });
      // Through node(id:) and the list too.
      const listed = await app.gql(`{ sources(first: 100) { edges { node { feedUrls } } } }`);
      expect(codes(listed)[0]).toBe('UNAUTHENTICATED');
      expect(listed.raw).not.toContain(server.origin);

      const asAdmin = await admin(app, queries[1]!.replace('name fetchStatus', 'name feedUrls fetchStatus'), { slug });
      expect(asAdmin.source.feedUrls).toEqual([server.url('/feeds/not-found.xml')]);
      expect(asAdmin.source.fetchStatus.feeds[0]).toMatchObject({ url: server.url('/feeds/not-found.xml'), lastStatus: 404 });
    });

    it('keeps an admin answer holding feed URLs out of shared caches (Cache-Control: no-store)', async () => {
      const get = (query: string) =>
        fetch(`${app.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { ...ADMIN, 'apollo-require-preflight': 'true' } });
      const withUrls = await get(`{ source(slug: "${slug}") { name feedUrls } }`);
      expect(withUrls.status).toBe(200);
      expect(withUrls.headers.get('cache-control')).toBe('no-store');
      const withoutUrls = await get(`{ source(slug: "${slug}") { name } }`);
      expect(withoutUrls.headers.get('cache-control')).toMatch(/max-age=\d+/);
    });
  });

  describe('private addresses when a source is added', () => {
    // The default configuration: no FETCH_ALLOWLIST, so loopback and private addresses are refused.
    let strict: TestApp;
    beforeAll(async () => {
      strict = await startTestApp(e2eConfig({ ADMIN_TOKEN, WORKER_ENABLED: 'false' }));
    });
    afterAll(async () => {
      await strict?.close();
    });

    const add = (feedUrls: string[]) =>
      strict.gql(`mutation($input: AddSourceInput!) { addSource(input: $input) { id } }`, { input: { name: `Private ${feedUrls.join(' ')}`.slice(0, 200), feedUrls } }, ADMIN);

    it.each([
      ['a loopback address', 'http://127.0.0.1:9/feed.xml', /loopback/],
      ['a name resolving to loopback', 'http://localhost:9/feed.xml', /localhost is (127\.0\.0\.1|::1), a loopback/],
      ['IPv6 loopback', 'http://[::1]:9/feed.xml', /loopback/],
      ['an RFC 1918 address', 'http://10.1.2.3/feed.xml', /private/],
      ['the cloud metadata endpoint', 'http://169.254.169.254/latest/meta-data/', /metadata/],
      ['an IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/feed.xml', /loopback/],
    ])('refuses %s with BAD_USER_INPUT and reason BLOCKED_ADDRESS', async (_what, url, reason) => {
      const res = await add(['https://x.example/feed.xml', url]);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0]!.extensions).toMatchObject({ reason: 'BLOCKED_ADDRESS', argument: 'input.feedUrls', index: 1 });
      expect(res.errors![0]!.message).toMatch(/BLOCKED_ADDRESS/);
      expect(res.errors![0]!.message).toMatch(reason);
    });

    it('accepts a public name that does not resolve now (fetches check again at connect time)', async () => {
      expect(codes(await add(['https://x.example/feed.xml']))).toEqual([]);
    });

    it('refuses it in updateSource, in `newsgate sources add` and in an OPML import', async () => {
      const created = ok(await add(['https://y.example/feed.xml'])).addSource;
      const update = await strict.gql(
        `mutation($id: ID!, $input: UpdateSourceInput!) { updateSource(id: $id, input: $input) { id } }`,
        { id: created.id, input: { feedUrls: [server.url('/feeds/atom.xml')] } },
        ADMIN,
      );
      expect(codes(update)).toEqual(['BAD_USER_INPUT']);
      expect(update.errors![0]!.extensions).toMatchObject({ reason: 'BLOCKED_ADDRESS' });

      const cli = await cliFailure(strict, 'sources', 'add', server.url('/feeds/atom.xml'));
      expect(cli.exitCode).toBe(2);
      expect(cli.message).toMatch(/BLOCKED_ADDRESS/);

      const out = await newsgate(strict, 'sources', 'import', opmlFile([server.url('/feeds/rss1.rdf')]));
      expect(out).toMatch(/BLOCKED_ADDRESS/);
      expect(out).toMatch(/0 added, 1 skipped/);
      // Nothing of the fixture server was stored, and nothing was fetched from it.
      const [{ n }] = await strict.db.manager.query(`SELECT count(*)::int AS n FROM source_feed WHERE url LIKE $1`, [`${server.origin}%`]);
      expect(n).toBe(0);
    });

    it('lets FETCH_ALLOWLIST open them, names resolving there included', async () => {
      // The main app of this file allows 127.0.0.1, so localhost (which resolves to it) is allowed too.
      const viaName = server.url('/feeds/rss1.rdf').replace('127.0.0.1', 'localhost');
      const source = await addSource(app, { name: 'Allowlisted by name', feedUrls: [viaName] });
      expect(source.feedUrls).toEqual([viaName]);
    });
  });

  describe('field suggestions', () => {
    // What a client guessing at the schema sends: a near-miss field, mutation, argument, type,
    // enum value and input field (the last through a variable, which graphql-js checks apart).
    const probes: Array<{ query: string; variables?: Record<string, unknown>; secret: string }> = [
      { query: '{ latestFed(first: 1) { totalCount } }', secret: 'latestFeed' },
      { query: 'mutation { addSourc(input: { name: "x" }) { id } }', secret: 'addSource' },
      { query: '{ latestFeed(firts: 1) { totalCount } }', secret: '"first"' },
      { query: 'query($f: ArticleFiltr) { articles(filter: $f) { totalCount } }', secret: 'ArticleFilter' },
      { query: '{ articles(orderBy: NEWST_FIRST) { totalCount } }', secret: 'NEWEST_FIRST' },
      { query: 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }', variables: { f: { serch: 'x' } }, secret: '"search"' },
      { query: '{ node(id: "x") { ... on Articl { id } } }', secret: 'Article"' },
    ];

    let production: TestApp;
    beforeAll(async () => {
      // NODE_ENV=production and GRAPHQL_INTROSPECTION unset: introspection is off.
      production = await startTestApp(e2eConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: '', ADMIN_TOKEN }));
    });
    afterAll(async () => {
      await production?.close();
    });

    it('names nothing of the schema when introspection is off, for queries, mutations and variables', async () => {
      expect(production.database.config.introspection).toBe(false);
      const introspection = await production.gql('{ __schema { queryType { name } } }');
      expect(introspection.errors?.length).toBeGreaterThan(0);
      for (const { query, variables, secret } of probes) {
        for (const headers of [{}, ADMIN]) {
          const res = await production.gql(query, variables, headers);
          expect(res.errors?.length).toBeGreaterThan(0);
          expect(res.raw).not.toMatch(/Did you mean|Suggestion/);
          expect(res.raw).not.toContain(secret);
        }
      }
      // The error still says what was wrong with what the client sent.
      const [error] = (await production.gql(probes[0]!.query)).errors!;
      expect(error!.message).toBe('Cannot query field "latestFed" on type "Query".');
      expect(error!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('suggests when introspection is on (the schema is public then)', async () => {
      expect(app.database.config.introspection).toBe(true);
      const res = await app.gql(probes[0]!.query);
      expect(res.errors![0]!.message).toBe('Cannot query field "latestFed" on type "Query". Did you mean "latestFeed"?');
      const enumProbe = await app.gql(probes[4]!.query);
      expect(enumProbe.raw).toContain('NEWEST_FIRST');
    });
  });
});
