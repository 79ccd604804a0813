import { request as httpRequest } from 'node:http';
import { auditServer } from 'graphql-http';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { expectNoLeak } from './helpers';

/**
 * GraphQL over HTTP conformance: graphql-http's own audit suite against the real endpoint, and the
 * status codes it turns on. A client that accepts only `application/json` (or sends no Accept)
 * gets 200 for a document that fails parsing, validation or variable coercion; one that accepts
 * `application/graphql-response+json` gets 400, as that media type requires.
 */
describe('GraphQL over HTTP conformance', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(e2eConfig({ GRAPHQL_MAX_ALIASES: '10' }));
  });
  afterAll(() => app?.close());

  it("passes every MUST and SHOULD of graphql-http's audit suite", async () => {
    const results = await auditServer({ url: `${app.url}/graphql` });
    const failed: string[] = [];
    for (const result of results) {
      if (result.status === 'ok' || !/^(MUST|SHOULD) /.test(result.name)) continue;
      const response = 'response' in result ? `${result.response.status} ${(await result.response.text()).slice(0, 300)}` : '';
      failed.push(`${result.id} ${result.name}: ${result.reason} ${response}`);
    }
    expect(failed).toEqual([]);
    const count = (level: string) => results.filter((r) => r.name.startsWith(`${level} `)).length;
    expect([count('MUST'), count('SHOULD')]).toEqual([13, 23]);
  });

  const failures: Array<[string, string, Record<string, unknown> | undefined, string]> = [
    ['parsing', '{', undefined, 'GRAPHQL_PARSE_FAILED'],
    ['validation', '{ noSuchField }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['variable coercion', 'query ($n: Int) { latestFeed(first: $n) { totalCount } }', { n: 'twenty' }, 'BAD_USER_INPUT'],
    ['a limit of graphql-armor', `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: latestFeed(first: 1) { totalCount }`).join(' ')} }`, undefined, 'TOO_MANY_ALIASES'],
    ['an input limit', '{ articles(filter: { search: "' + 'x'.repeat(201) + '" }) { totalCount } }', undefined, 'BAD_USER_INPUT'],
  ];
  const post = async (query: string, variables: Record<string, unknown> | undefined, accept: string) => {
    const res = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query, variables }) });
    const raw = await res.text();
    expectNoLeak(raw);
    const body = JSON.parse(raw) as { data?: unknown; errors: Array<{ extensions: { code: string } }> };
    return { status: res.status, contentType: res.headers.get('content-type'), data: body.data, codes: body.errors.map((e) => e.extensions.code) };
  };

  it.each(failures)('a failure of %s: 200 for application/json alone, 400 for application/graphql-response+json and */*', async (_kind, query, variables, code) => {
    for (const accept of ['application/json', 'application/json; charset=utf-8', 'application/json, application/graphql-response+json;q=0']) {
      expect([accept, await post(query, variables, accept)]).toEqual([accept, { status: 200, contentType: expect.stringMatching(/^application\/json/), data: undefined, codes: [code] }]);
    }
    for (const accept of ['application/graphql-response+json', 'application/graphql-response+json, application/json;q=0.9', '*/*', 'application/json, */*;q=0.1']) {
      expect([accept, (await post(query, variables, accept)).status]).toEqual([accept, 400]);
    }
  });

  it('treats a request without Accept as application/json', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${app.url}/graphql`);
      const req = httpRequest({ host: url.hostname, port: url.port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query: '{ noSuchField }' }));
    });
    expect(status).toBe(200);
  });

  it('keeps 4xx for requests that are not well-formed, whatever the Accept', async () => {
    const accept = 'application/json';
    const malformed = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: '{"query": ' });
    expect(malformed.status).toBe(400);
    const noQuery = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: '{"variables": {}}' });
    expect(noQuery.status).toBe(400);
    const csrf = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept } });
    expect(csrf.status).toBe(400);
  });
});
