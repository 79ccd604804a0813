import { getIntrospectionQuery } from 'graphql';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { codes } from './helpers';

/**
 * Exploring the API in a browser: Apollo Sandbox, embedded at GET /graphql with the example
 * operation loaded, and introspection, in development; neither in production unless configured.
 * CSRF prevention stays on either way: these are the headers the README tells clients to send.
 */
const openLandingPage = (app: TestApp) => fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
const introspect = (app: TestApp) => app.gql(getIntrospectionQuery());

describe('exploring the API', () => {
  describe('in development (the default)', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(e2eConfig({ GRAPHQL_INTROSPECTION: '' }));
    });
    afterAll(() => app?.close());

    it('embeds Apollo Sandbox at GET /graphql, on this endpoint, with the latest-feed operation loaded', async () => {
      const page = await openLandingPage(app);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const html = await page.text();
      expect(html).toMatch(/EmbeddedSandbox/);
      expect(html).toContain('query Sidebar');
      expect(html).toContain('latestFeed');
      // The endpoint is the page's own origin, never a hard-coded host.
      expect(html).toContain('var initialEndpoint = window.location.href');
      // Offline, Sandbox cannot load: the page points to the GraphiQL served here.
      expect(html).toMatch(/you might be offline\.<\/p>\s*<p id="newsgate-offline">[^<]*<a href="\/graphiql">/);
    });

    it('answers introspection', async () => {
      const res = await introspect(app);
      expect(res.errors).toBeUndefined();
      expect(res.data?.__schema.queryType.name).toBe('Query');
    });
  });

  describe('in production', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(e2eConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: '' }));
    });
    afterAll(() => app?.close());

    it('serves no landing page and refuses introspection', async () => {
      const page = await openLandingPage(app);
      expect(page.status).toBe(400);
      expect(await page.text()).not.toMatch(/Sandbox/);
      const res = await introspect(app);
      expect(codes(res)).toContain('GRAPHQL_VALIDATION_FAILED');
      expect(res.raw).toMatch(/introspection/i);
      expect(res.data ?? null).toBeNull();
    });

    it('still answers ordinary queries', async () => {
      const res = await app.gql('{ latestFeed(first: 1) { totalCount } }');
      expect(res.errors).toBeUndefined();
    });
  });

  it('turns both back on in production when the configuration asks', async () => {
    const app = await startTestApp(e2eConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true', GRAPHQL_LANDING_PAGE: 'true' }));
    try {
      const html = await (await openLandingPage(app)).text();
      expect(html).toMatch(/EmbeddedSandbox/);
      // GraphiQL stays off in production here, so the offline notice does not point to it.
      expect(html).not.toContain('/graphiql');
      expect((await introspect(app)).errors).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  describe('CSRF prevention (on in every environment)', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(e2eConfig({ NODE_ENV: 'production' }));
    });
    afterAll(() => app?.close());
    const query = encodeURIComponent('{ latestFeed(first: 1) { totalCount } }');

    it('runs a POST with Content-Type: application/json', async () => {
      const res = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(res.status).toBe(200);
    });

    it('refuses a GET a browser could send from any page, and runs it with a preflight header', async () => {
      const simple = await fetch(`${app.url}/graphql?query=${query}`);
      expect(simple.status).toBe(400);
      expect(await simple.text()).toMatch(/CSRF/);
      for (const header of ['apollo-require-preflight', 'x-apollo-operation-name']) {
        const res = await fetch(`${app.url}/graphql?query=${query}`, { headers: { [header]: 'Sidebar' } });
        expect(res.status).toBe(200);
      }
    });

    it('refuses a POST with a simple content type (text/plain, a form)', async () => {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify({ query: '{ __typename }' }) });
        expect(res.status).toBe(400);
      }
    });
  });
});
