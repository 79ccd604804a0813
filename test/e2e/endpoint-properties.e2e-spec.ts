import fc from 'fast-check';
import { seed } from '../../src/seed/seed';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { expectNoLeak } from './helpers';

/**
 * Properties of /graphql's input handling, against the running gateway: arbitrary JSON bodies,
 * raw bytes under any Content-Type, GET query strings, and real operations given arbitrary
 * variables (forged cursors and IDs, NUL bytes, huge numbers, dates of any year, values of the
 * wrong type). Every answer is well-formed: a status below 500 (503 only as a deliberate
 * SERVICE_UNAVAILABLE), a JSON body with `data` or with `errors` that each carry
 * `extensions.code`, never INTERNAL_SERVER_ERROR (the masked face of a bug), never a stack trace
 * or SQL, and every request ends (a bound far above what any takes).
 */
const RUNS = { seed: Number(process.env.FC_SEED ?? 20261206), numRuns: Number(process.env.FC_RUNS ?? 60) };
const REQUEST_BOUND_MS = 20_000;

interface Answer {
  status: number;
  contentType: string;
  raw: string;
}

async function request(app: TestApp, init: RequestInit & { search?: string }): Promise<Answer> {
  const { search = '', ...rest } = init;
  const response = await fetch(`${app.url}/graphql${search}`, { ...rest, signal: AbortSignal.timeout(REQUEST_BOUND_MS) });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', raw: await response.text() };
}

/** The shape every answer of /graphql has, whatever was asked. */
function expectWellFormed(answer: Answer, asked: unknown): void {
  const context = `asked ${JSON.stringify(asked)?.slice(0, 600)}\nanswered HTTP ${answer.status} ${answer.raw.slice(0, 600)}`;
  let body: { data?: unknown; errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> };
  try {
    body = JSON.parse(answer.raw);
  } catch {
    throw new Error(`not JSON: ${context}`);
  }
  if (!/^application\/(graphql-response\+)?json/.test(answer.contentType)) throw new Error(`content type ${answer.contentType}: ${context}`);
  expectNoLeak(answer.raw);
  const codes = (body.errors ?? []).map((error) => error.extensions?.code);
  if (answer.status >= 500 && !(answer.status === 503 && codes.length > 0 && codes.every((code) => code === 'SERVICE_UNAVAILABLE'))) {
    throw new Error(`server error: ${context}`);
  }
  if (body.errors === undefined) {
    if (!('data' in body)) throw new Error(`neither data nor errors: ${context}`);
    return;
  }
  if (!Array.isArray(body.errors) || body.errors.length === 0) throw new Error(`errors is not a non-empty list: ${context}`);
  for (const error of body.errors) {
    if (typeof error.message !== 'string' || typeof error.extensions?.code !== 'string') throw new Error(`an error without message or code: ${context}`);
    if (error.extensions.code === 'INTERNAL_SERVER_ERROR') throw new Error(`INTERNAL_SERVER_ERROR: ${context}`);
  }
}

// ---------------------------------------------------------------------------------------------
// What clients send.

const CURSOR_KINDS = ['feed', 'articles:NEWEST_FIRST', 'articles:OLDEST_FIRST', 'sources', 'people'];
const NODE_TYPES = ['Article', 'Source', 'Person', 'FeedItem'];

const oddString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', '\u0000', 'a\u0000b', '\uD800', '%', '_', '\\', "'; DROP TABLE article; --", '" OR 1=1', '<script>alert(1)</script>', 'x'.repeat(5000), 'পুতিনের', '*', 'bn', 'zz-!!'),
);
const cursorValue = fc.oneof(
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, 1e300, '\u0000', 'a\u0000b', '-010000-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z'),
  fc.uuid(),
  oddString,
  fc.jsonValue({ maxDepth: 1 }),
);
const forgedCursor = fc
  .tuple(fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 1 })), fc.oneof(fc.constantFrom(...CURSOR_KINDS), oddString), fc.array(cursorValue, { maxLength: 4 }))
  .map(([version, kind, values]) => Buffer.from(JSON.stringify([version, kind, ...values]), 'utf8').toString('base64url'));
const forgedId = fc
  .tuple(fc.oneof(fc.constantFrom(...NODE_TYPES), oddString), fc.oneof(fc.uuid(), oddString))
  .map(([type, id]) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64'));
const anyValue = fc.oneof(forgedCursor, forgedId, oddString, cursorValue, fc.jsonValue({ maxDepth: 2 }), fc.constant(null));

/** Real operations, each with one variable that gets an arbitrary value. */
const OPERATIONS = [
  'query($v: String) { latestFeed(first: 5, after: $v) { edges { cursor node { headline } } pageInfo { endCursor } } }',
  'query($v: String) { latestFeed(last: 3, before: $v) { edges { node { headline article { title } } } } }',
  'query($v: String) { articles(first: 2, after: $v) { edges { node { title } } } }',
  'query($v: String) { articles(orderBy: OLDEST_FIRST, last: 2, before: $v) { edges { node { title } } } }',
  'query($v: String) { sources(after: $v) { edges { node { name } } } }',
  'query($v: String) { people(first: 3, after: $v) { edges { node { name } } } }',
  'query($v: String) { people(search: $v) { edges { node { name } } } }',
  'query($v: ID!) { node(id: $v) { id ... on Article { title } } }',
  'query($v: ID) { article(id: $v) { title } }',
  'query($v: String) { article(slug: $v) { title } }',
  'query($v: String) { article(url: $v) { title } }',
  'query($v: String) { person(slug: $v) { name } }',
  'query($v: ID) { source(id: $v) { name articles(first: 2) { totalCount } } }',
  'query($v: Int) { latestFeed(first: $v) { edges { node { headline } } } }',
  'query($v: Int) { articles(last: $v) { edges { node { title } } } }',
  'query($v: String) { latestFeed(language: $v) { edges { node { headline } } } }',
  'query($v: ID) { latestFeed(sourceId: $v) { edges { node { headline } } } }',
  'query($v: DateTime) { articles(filter: { publishedAfter: $v }) { edges { node { title } } } }',
  'query($v: DateTime) { articles(filter: { publishedBefore: $v }) { totalCount } }',
  'query($v: [ID!]) { articles(filter: { sourceIds: $v }) { edges { node { title } } } }',
  'query($v: [ID!]) { articles(filter: { personIds: $v }) { totalCount } }',
  'query($v: String) { articles(filter: { search: $v }) { edges { node { title } } } }',
  'query($v: String) { articles(filter: { language: $v }) { totalCount } }',
];

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/graphql-response+json', 'application/graphql',
  'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '', 'application/json;;;',
  'application/vnd.api+json', 'APPLICATION/JSON', 'application/json; charset=utf-16',
];

describe('/graphql input handling (properties)', () => {
  let app: TestApp;
  let cursors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp(e2eConfig());
    await seed(app.db);
    const page = await app.gql<{ latestFeed: { edges: Array<{ cursor: string }> } }>('{ latestFeed(first: 3) { edges { cursor } } }');
    cursors = page.data!.latestFeed.edges.map((edge) => edge.cursor);
  });
  afterAll(() => app?.close());

  it('real operations with arbitrary variables: data or client errors, never INTERNAL_SERVER_ERROR', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATIONS), fc.oneof(anyValue, fc.constantFrom(...cursors)), async (query, value) => {
        const asked = { query, variables: { v: value } };
        expectWellFormed(await request(app, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(asked) }), asked);
      }),
      {
        ...RUNS,
        numRuns: RUNS.numRuns * 3,
        // Found by this property: forged cursors that reached SQL and failed there.
        examples: [
          [OPERATIONS[0]!, Buffer.from(JSON.stringify([1, 'feed', '-010000-01-01T00:00:00.000Z', 1, '00000000-0000-4000-8000-000000000000'])).toString('base64url')],
          [OPERATIONS[0]!, Buffer.from(JSON.stringify([1, 'feed', '2025-09-03T00:00:00.000Z', 2 ** 53 - 1, '00000000-0000-4000-8000-000000000000'])).toString('base64url')],
          [OPERATIONS[2]!, Buffer.from(JSON.stringify([1, 'articles:NEWEST_FIRST', '-010000-01-01T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'])).toString('base64url')],
          [OPERATIONS[4]!, Buffer.from(JSON.stringify([1, 'sources', 'a\u0000b', '00000000-0000-4000-8000-000000000000'])).toString('base64url')],
          [OPERATIONS[5]!, Buffer.from(JSON.stringify([1, 'people', 'a\u0000b', '00000000-0000-4000-8000-000000000000'])).toString('base64url')],
        ],
      },
    );
  }, 120_000);

  it('arbitrary JSON bodies: a well-formed answer', async () => {
    const graphqlish = fc.record(
      {
        query: fc.oneof(fc.constantFrom(...OPERATIONS), oddString, fc.constantFrom('{', '{ __typename }', 'mutation { addSource(input: {}) { id } }', 'subscription { x }', '{ a: latestFeed { totalCount } a: sources { totalCount } }', 'query { ...F }', '{ latestFeed(first: 1) { edges { node { headline } } } } { sources { totalCount } }'), fc.jsonValue({ maxDepth: 1 })),
        variables: fc.oneof(fc.dictionary(fc.constantFrom('v', 'first', '__proto__', 'constructor'), anyValue, { maxKeys: 3 }), fc.jsonValue({ maxDepth: 2 })),
        operationName: fc.oneof(oddString, fc.jsonValue({ maxDepth: 1 })),
        extensions: fc.oneof(
          fc.jsonValue({ maxDepth: 2 }),
          fc.record({ persistedQuery: fc.record({ version: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 0 })), sha256Hash: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), oddString) }, { requiredKeys: [] }) }),
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(graphqlish, fc.jsonValue({ maxDepth: 3 }), fc.array(graphqlish, { maxLength: 3 })), async (body) => {
        expectWellFormed(await request(app, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) ?? 'null' }), body);
      }),
      RUNS,
    );
  }, 120_000);

  it('raw bytes under any Content-Type: a well-formed answer', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 500 }).map((array) => Buffer.from(array)),
      oddString.map((text) => Buffer.from(text)),
      fc.constantFrom('{"query":', '{"query": "{ __typename }"', '\uFEFF{"query":"{ __typename }"}', '{"query":"{ __typename }"}garbage', 'query=%7B__typename%7D', '[]', '[{}]', 'null', '"x"', '1e999').map((text) => Buffer.from(text)),
    );
    await fc.assert(
      fc.asyncProperty(bytes, fc.oneof(fc.constantFrom(...CONTENT_TYPES), oddString.filter((text) => /^[\x20-\x7e]*$/.test(text))), fc.boolean(), async (body, contentType, preflightHeader) => {
        const headers: Record<string, string> = { 'content-type': contentType };
        if (preflightHeader) headers['apollo-require-preflight'] = 'true';
        expectWellFormed(await request(app, { method: 'POST', headers, body }), { body: body.toString('latin1'), headers });
      }),
      RUNS,
    );
  }, 120_000);

  it('GET with arbitrary query strings: a well-formed answer', async () => {
    const parameter = fc.oneof(fc.constantFrom('query', 'variables', 'operationName', 'extensions'), oddString);
    const parameterValue = fc.oneof(fc.constantFrom(...OPERATIONS), oddString, anyValue.map((value) => JSON.stringify(value) ?? ''), fc.constantFrom('{"v":"x"}', '{"persistedQuery":{"version":1,"sha256Hash":"00"}}', 'mutation { revokeApiKey(id: "x") { id } }'));
    const raw = fc.oneof(oddString.map((text) => `?${text}`), fc.constantFrom('?query', '?query=', '?query=%', '?query=%E0%A4', '?&&&', '?query={__typename}&query={__typename}', '?variables=%7B'));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(fc.tuple(parameter, parameterValue), { maxLength: 4 }).map((pairs) => `?${new URLSearchParams(pairs).toString()}`),
          raw,
        ),
        async (search) => {
          // Whatever is not printable ASCII goes as its UTF-8 bytes, percent-encoded (fetch would refuse it raw).
          const safe = search.replace(/[^\x21-\x7e]/gu, (c) => [...Buffer.from(c, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''));
          expectWellFormed(await request(app, { method: 'GET', search: safe, headers: { 'apollo-require-preflight': 'true' } }), safe);
        },
      ),
      RUNS,
    );
  }, 120_000);
});
