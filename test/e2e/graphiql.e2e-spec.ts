import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { getIntrospectionQuery } from 'graphql';
import { seed } from '../../src/seed/seed';
import { EXPLORER_EXAMPLE } from '../../src/http/pages/explorer-example';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { ok } from './helpers';
import type { ErrorBody } from '../support/json-bodies';

/**
 * GraphiQL at /graphiql over plain HTTP: the page and its Content-Security-Policy, the assets'
 * caching, methods, and independence from /graphql's callers, CORS and limits. The browser test
 * (graphiql.browser.e2e-spec.ts) runs it.
 */
const versionOf = (name: string): string => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;

/** The page's asset URLs (stylesheet and scripts) with their SRI hashes, absolute. */
function assetsOf(html: string, base: string): Array<{ url: string; integrity: string }> {
  const tags = [...html.matchAll(/<(?:script defer src|link rel="stylesheet" href)="([^"]+)" integrity="([^"]+)"/g)];
  return tags.map(([, href, integrity]) => ({ url: new URL(href!, `${base}/graphiql`).href, integrity: integrity! }));
}

const sha384 = (body: Buffer) => `sha384-${createHash('sha384').update(body).digest('base64')}`;

describe('GraphiQL at /graphiql', () => {
  describe('with the default configuration', () => {
    let app: TestApp;
    beforeAll(async () => {
      // Defaults: limits, response cache and CSRF prevention as an operator gets them.
      app = await startTestApp();
      await seed(app.db);
    });
    afterAll(() => app?.close());

    it('serves the page with a strict Content-Security-Policy and no inline script', async () => {
      const res = await fetch(`${app.url}/graphiql`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = res.headers.get('content-security-policy')!;
      const directives = Object.fromEntries(csp.split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
      expect(directives).toMatchObject({
        'default-src': "'none'",
        'script-src': "'self'",
        'connect-src': "'self'",
        'frame-ancestors': "'none'",
        'base-uri': "'none'",
      });
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);

      const html = await res.text();
      // Every script is a served file; the style nonce is the one the header allows.
      expect([...html.matchAll(/<script\b[^>]*>/g)].every(([tag]) => / src="/.test(tag))).toBe(true);
      expect(html).not.toMatch(/<style|\sstyle="|\son[a-z]+="/i);
      const nonce = /<meta name="csp-nonce" nonce="([^"]+)">/.exec(html)?.[1];
      expect(directives['style-src']).toBe(`'self' 'nonce-${String(nonce)}'`);
      // Only relative links: the page works behind any host or path prefix.
      expect(html).not.toMatch(/(src|href)="(https?:|\/)/);

      const again = await fetch(`${app.url}/graphiql`);
      expect(again.headers.get('content-security-policy')).not.toBe(csp);
    });

    it('answers HEAD like GET, without a body', async () => {
      const res = await fetch(`${app.url}/graphiql`, { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(await res.text()).toBe('');
    });

    it('serves the npm packages, versioned in their URLs, immutable, with an ETag that answers 304', async () => {
      const html = await (await fetch(`${app.url}/graphiql`)).text();
      const assets = assetsOf(html, app.url);
      const paths = assets.map((a) => new URL(a.url).pathname);
      expect(paths).toEqual([
        `/graphiql/assets/graphiql-${versionOf('graphiql')}.min.css`,
        `/graphiql/assets/react-${versionOf('react')}.production.min.js`,
        `/graphiql/assets/react-dom-${versionOf('react-dom')}.production.min.js`,
        `/graphiql/assets/graphiql-${versionOf('graphiql')}.min.js`,
        expect.stringMatching(/^\/graphiql\/assets\/newsgate-graphiql-[0-9a-f]{12}\.js$/),
      ]);
      for (const { url, integrity } of assets) {
        const res = await fetch(url);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(url.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
        expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        const etag = res.headers.get('etag');
        expect(etag).toMatch(/^"[\w-]+"$/);
        // The browser checks the page's SRI hash against the (decoded) body.
        expect(sha384(Buffer.from(await res.arrayBuffer()))).toBe(integrity);

        const revalidated = await fetch(url, { headers: { 'if-none-match': etag! } });
        expect(revalidated.status).toBe(304);
        expect(revalidated.headers.get('etag')).toBe(etag);
        expect(revalidated.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(await revalidated.text()).toBe('');

        const head = await fetch(url, { method: 'HEAD' });
        expect(head.status).toBe(200);
        expect(head.headers.get('etag')).toBe(etag);
      }
    });

    it('sends the packages as published, gzip-compressed when the client accepts it', async () => {
      const url = `${app.url}/graphiql/assets/react-dom-${versionOf('react-dom')}.production.min.js`;
      const plain = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(plain.headers.get('vary')).toMatch(/accept-encoding/i);
      const published = readFileSync(require.resolve('react-dom/package.json').replace(/package\.json$/, 'umd/react-dom.production.min.js'));
      expect(Buffer.from(await plain.arrayBuffer()).equals(published)).toBe(true);

      const zipped = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(Number(zipped.headers.get('content-length'))).toBeLessThan(published.length / 2);
      expect(zipped.headers.get('etag')).not.toBe(plain.headers.get('etag'));
      expect(Buffer.from(await zipped.arrayBuffer()).equals(published)).toBe(true);
    });

    it('refuses other methods with 405, leaves unknown assets to the 404, and sends /graphiql/ to /graphiql', async () => {
      for (const path of ['/graphiql', `/graphiql/assets/graphiql-${versionOf('graphiql')}.min.js`]) {
        for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
          const res = await fetch(`${app.url}${path}`, { method });
          expect([path, method, res.status, res.headers.get('allow')]).toEqual([path, method, 405, 'GET, HEAD']);
        }
      }
      for (const path of ['/graphiql/assets/graphiql-0.0.1.min.js', '/graphiql/assets/', '/graphiql/nothing']) {
        const res = await fetch(`${app.url}${path}`);
        expect([path, res.status]).toEqual([path, 404]);
        expect(((await res.json()) as ErrorBody).errors[0]!.extensions.code).toBe('NOT_FOUND');
      }
      const slash = await fetch(`${app.url}/graphiql/?x=1`, { redirect: 'manual' });
      expect(slash.status).toBe(301);
      expect(slash.headers.get('location')).toBe('../graphiql?x=1');
    });

    it('is not a CORS resource: a foreign Origin gets the page, and no Access-Control headers', async () => {
      const res = await fetch(`${app.url}/graphiql`, { headers: { origin: 'https://elsewhere.example' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });

    it("runs what the page sends within the default limits: GraphiQL's introspection and the default query", async () => {
      // GraphiQL 4's own introspection options (no input value deprecation, no schema description).
      const schema = ok(await app.gql(getIntrospectionQuery({ inputValueDeprecation: false, schemaDescription: false })));
      expect(schema.__schema.queryType.name).toBe('Query');
      const feed = ok(await app.gql(EXPLORER_EXAMPLE.document, { ...EXPLORER_EXAMPLE.variables }));
      expect(feed.latestFeed.totalCount).toBe(20);
      expect(feed.latestFeed.edges).toHaveLength(EXPLORER_EXAMPLE.variables.first);
    });
  });

  describe('next to an exhausted rate limit', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(e2eConfig({ RATE_LIMIT_ANONYMOUS_PER_SECOND: '1', RATE_LIMIT_ANONYMOUS_BURST: '1' }));
    });
    afterAll(() => app?.close());

    it('still serves the page and its assets, uncharged', async () => {
      const query = '{ latestFeed(first: 20) { edges { node { headline } } } }';
      expect((await app.gql(query)).status).toBe(429);
      for (let i = 0; i < 3; i++) {
        const page = await fetch(`${app.url}/graphiql`);
        expect(page.status).toBe(200);
        expect(page.headers.get('ratelimit-remaining')).toBeNull();
        for (const { url } of assetsOf(await page.text(), app.url)) expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
      }
    });
  });

  describe('with GRAPHIQL=false', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ graphiql: false });
    });
    afterAll(() => app?.close());

    it('serves neither the page nor its assets', async () => {
      for (const path of ['/graphiql', `/graphiql/assets/react-${versionOf('react')}.production.min.js`]) {
        const res = await fetch(`${app.url}${path}`);
        expect([path, res.status]).toEqual([path, 404]);
      }
    });
  });
});
