import { request as httpRequest } from 'node:http';
import { seed } from '../../src/seed/seed';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { expectNoLeak } from './helpers';

/**
 * The /graphql endpoint reads requests itself (no body-parser): the HTTP-level answers it owes
 * before Apollo sees anything.
 */
describe('/graphql over HTTP', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(e2eConfig());
    await seed(app.db);
  });
  afterAll(() => app?.close());

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${app.url}/graphql`, { method: 'POST', headers, body }).then(async (res) => ({ status: res.status, headers: res.headers, text: await res.text() }));

  it('answers a query, echoing a sane request id and replacing a bad one', async () => {
    const res = await post(JSON.stringify({ query: '{ latestFeed(first: 1) { totalCount } }' }), { 'content-type': 'application/json', 'x-request-id': 'abc-123' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ data: { latestFeed: { totalCount: 20 } } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const bad = await post(JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json', 'x-request-id': 'no spaces allowed' });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a body declared larger than the cap before reading it (413)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${app.url}/graphql`);
      const req = httpRequest({ host: url.hostname, port: url.port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"query":"');
    });
    expect(status).toBe(413);
  });

  it('takes UTF-8 JSON only (415 for another charset), and says so for malformed JSON (400)', async () => {
    const latin1 = await post(JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json; charset=iso-8859-1' });
    expect(latin1.status).toBe(415);
    expect(JSON.parse(latin1.text).errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const malformed = await post('{"query": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text).errors[0].extensions.code).toBe('BAD_REQUEST');
    expectNoLeak(malformed.text);
  });

  it('leaves a body that is not JSON to Apollo, which refuses it as a possible CSRF (400)', async () => {
    const res = await post('query={__typename}', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(400);
    expectNoLeak(res.text);
  });

  it('serves queries over GET for CDNs, with a cache policy', async () => {
    const query = encodeURIComponent('{ latestFeed(first: 1) { edges { node { headline } } } }');
    const res = await fetch(`${app.url}/graphql?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/^max-age=\d+, public$/);
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('refuses a browser origin nobody allowed, preflight included (403)', async () => {
    const preflight = await fetch(`${app.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    const res = await post(JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json', origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).errors[0].extensions.code).toBe('ORIGIN_NOT_ALLOWED');
  });
});
