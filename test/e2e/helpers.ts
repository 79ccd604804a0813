import type { GraphQLResponse, TestApp } from '../support/test-app';

/** Data of a response that must have succeeded, with the errors in the failure message otherwise. */
export function ok<T>(res: GraphQLResponse<T>): T {
  if (res.errors || res.status !== 200 || !res.data) {
    throw new Error(`expected a successful response, got HTTP ${res.status}: ${res.raw.slice(0, 2000)}`);
  }
  return res.data;
}

/** The `extensions.code` of every error, in order. */
export function codes(res: GraphQLResponse): string[] {
  return (res.errors ?? []).map((e) => String(e.extensions?.code));
}

/**
 * Things no response may ever carry: a stack trace, SQL text, a connection string or a path on
 * the server, whatever NODE_ENV says.
 */
const LEAKS: Array<[string, RegExp]> = [
  ['stack frame', /\bat\s+[\w.<>]+\s+\(|\n\s+at\s/],
  ['stacktrace field', /stacktrace/i],
  ['SQL SELECT', /\bSELECT\b/],
  ['SQL FROM "', /FROM "/],
  ['SQL keyword', /\b(INSERT INTO|UPDATE \w+ SET|DELETE FROM|WHERE \w+\.)/],
  ['driver message', /(relation|column|function|table|database|role|schema) "[^"]*" does not exist|syntax error at or near|QueryFailedError|duplicate key|ECONNREFUSED|PGlite/i],
  ['connection string', /postgres(ql)?:\/\//],
  ['server path', /\/work\/|node_modules|\.ts:\d+|\.js:\d+/],
];

export function expectNoLeak(raw: string): void {
  for (const [what, pattern] of LEAKS) {
    if (pattern.test(raw)) throw new Error(`response leaks a ${what}: ${raw.slice(0, 1000)}`);
  }
}

/** A JSON answer of /graphql as postRaw() reads it: null when the body is not JSON. */
type RawAnswer = Pick<GraphQLResponse, 'data' | 'errors'> | null;

/** POST a raw body to /graphql, as a misbehaving client would. */
export async function postRaw(app: TestApp, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers, body });
  const raw = await response.text();
  let json: RawAnswer = null;
  try {
    json = JSON.parse(raw) as RawAnswer;
  } catch {
    // left null: the test asserts on it
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', raw, json };
}

export interface Page<N> {
  nodes: N[];
  cursors: string[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount?: number;
}

/** A Relay connection as a response holds it. */
interface ConnectionData<N> {
  edges: Array<{ cursor: string; node: N }>;
  pageInfo: Page<N>['pageInfo'];
  totalCount?: number;
}

/** Reads a connection out of a response by path (`['source', 'articles']`); its nodes are what the query selected. */
export function connectionAt<N = { id: string }>(data: unknown, path: string[]): Page<N> {
  const connection = path.reduce<unknown>((value, key) => (value as Record<string, unknown> | null | undefined)?.[key], data) as ConnectionData<N> | undefined;
  if (!connection) throw new Error(`no connection at ${path.join('.')}: ${JSON.stringify(data).slice(0, 500)}`);
  return {
    nodes: connection.edges.map((e) => e.node),
    cursors: connection.edges.map((e) => e.cursor),
    pageInfo: connection.pageInfo,
    totalCount: connection.totalCount,
  };
}

/**
 * Walks a whole list page by page. `query` must take `$first`/`$after` (forward) or
 * `$last`/`$before` (backward) and select `edges { cursor node {...} } pageInfo {...}`.
 * Checks the Relay page flags on every page on the way and returns the pages in walk order.
 */
export async function walk<N = { id: string }>(
  app: TestApp,
  query: string,
  path: string[],
  size: number,
  direction: 'forward' | 'backward',
  variables: Record<string, unknown> = {},
): Promise<Array<Page<N>>> {
  const pages: Array<Page<N>> = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const vars: Record<string, unknown> =
      direction === 'forward' ? { ...variables, first: size, after: cursor } : { ...variables, last: size, before: cursor };
    const page = connectionAt<N>(ok(await app.gql(query, vars)), path);
    pages.push(page);
    const more = direction === 'forward' ? page.pageInfo.hasNextPage : page.pageInfo.hasPreviousPage;
    // A page that says more follow must not be empty or shorter than asked.
    if (more) expect(page.nodes).toHaveLength(size);
    else return pages;
    cursor = direction === 'forward' ? page.pageInfo.endCursor : page.pageInfo.startCursor;
  }
  throw new Error('walk did not end');
}

/** Ids of a walk's nodes, in list order (a backward walk is put back into list order). */
export function walkIds(pages: Array<Page<{ id: string }>>, direction: 'forward' | 'backward'): string[] {
  const ordered = direction === 'forward' ? pages : [...pages].reverse();
  return ordered.flatMap((page) => page.nodes.map((node) => node.id));
}

export const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
