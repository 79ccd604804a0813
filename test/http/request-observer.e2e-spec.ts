import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { currentRequest } from '../../src/common/request-context';
import { observeRequests } from '../../src/http/request-observer';
import type { GatewayMetrics, GraphQLOutcome } from '../../src/metrics/metrics';
import { captureLogs } from '../support/captured-logs';
import { until } from '../support/wait';
import { RawConnection } from './raw-connection';

/**
 * The gateway's first step for every request, on a real HTTP server: the request context it
 * enters, the one access line it writes when the response has ended, and the metrics it records.
 * The handler plays the rest of the gateway: it names the operation, counts statements and errors
 * in the context, and answers.
 */
interface Recorded {
  graphql: Array<[string | null, GraphQLOutcome]>;
  sql: Array<[string, number]>;
  httpErrors: Array<[string, number]>;
}

describe('observeRequests', () => {
  let server: Server;
  let port: number;
  let logs: ReturnType<typeof captureLogs>;
  let recorded: Recorded;
  const contexts: Array<string | undefined> = [];
  let releaseWork: (() => void) | null = null;
  /** Responses closed: the observer's own close listener, registered first, has run for each. */
  let closed = 0;

  beforeEach(async () => {
    logs = captureLogs('info');
    recorded = { graphql: [], sql: [], httpErrors: [] };
    contexts.length = 0;
    releaseWork = null;
    closed = 0;
    const metrics = {
      graphqlRequest: (operation: string | null, outcome: GraphQLOutcome) => recorded.graphql.push([operation, outcome]),
      sqlStatements: (route: string, count: number) => recorded.sql.push([route, count]),
      httpError: (route: string, status: number) => recorded.httpErrors.push([route, status]),
    } as unknown as GatewayMetrics;
    const observe = observeRequests(logs.logger, metrics);
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      observe(req, res, String(req.headers['x-request-id']), () => {
        res.once('close', () => closed++);
        const context = currentRequest()!;
        const url = new URL(req.url!, 'http://gateway');
        const status = Number(url.searchParams.get('status') ?? 200);
        context.sqlStatements += Number(url.searchParams.get('sql') ?? 0);
        context.graphqlErrors += Number(url.searchParams.get('errors') ?? 0);
        if (url.searchParams.has('operation')) context.operation = url.searchParams.get('operation');
        const respond = () => {
          contexts.push(currentRequest()?.reqId);
          if (!res.destroyed) res.writeHead(status, { 'content-length': 2 }).end('ok');
        };
        if (url.searchParams.has('hold')) {
          const work = new Promise<void>((resolve) => (releaseWork = resolve)).then(respond);
          Object.assign(res, { locals: { work } });
        } else {
          setImmediate(respond);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function request(method: string, path: string, reqId: string): Promise<void> {
    const before = closed;
    const connection = await RawConnection.open(port);
    connection.send(method, path, { 'x-request-id': reqId });
    await connection.response();
    connection.destroy();
    await until(() => closed > before, 'the response to close');
  }

  const accessLine = (reqId: string) => logs.parsed().find((line) => line.reqId === reqId && line.msg === 'request completed');

  it('runs the handler, and what it starts, inside the request’s context', async () => {
    await request('GET', '/anything', 'ctx-1');
    expect(contexts).toEqual(['ctx-1']);
  });

  it('writes one access line for a GraphQL request: operation, statements, status and duration, at info', async () => {
    await request('POST', '/graphql?operation=Sidebar&sql=3', 'gql-1');
    expect(logs.parsed().filter((line) => line.reqId === 'gql-1')).toHaveLength(1);
    expect(accessLine('gql-1')).toMatchObject({ level: 30, reqId: 'gql-1', method: 'POST', path: '/graphql', status: 200, operation: 'Sidebar', sql: 3 });
    expect(typeof accessLine('gql-1')!.durationMs).toBe('number');
    expect(accessLine('gql-1')!.aborted).toBeUndefined();
    expect(recorded.graphql).toEqual([['Sidebar', 'success']]);
    expect(recorded.sql).toEqual([['graphql', 3]]);
    expect(recorded.httpErrors).toEqual([]);
  });

  it('names an anonymous operation, and counts a GraphQL request by its outcome', async () => {
    await request('POST', '/graphql/?operation=&errors=1', 'gql-2');
    expect(accessLine('gql-2')).toMatchObject({ path: '/graphql/', operation: 'anonymous', sql: 0 });
    await request('POST', '/graphql?status=400', 'gql-3');
    await request('POST', '/graphql?status=503', 'gql-4');
    expect(accessLine('gql-3')!.operation).toBeUndefined();
    expect(recorded.graphql).toEqual([
      ['', 'graphql_error'],
      [null, 'client_error'],
      [null, 'server_error'],
    ]);
    expect(recorded.httpErrors).toEqual([
      ['graphql', 400],
      ['graphql', 503],
    ]);
  });

  it('never logs the query string, and counts errors of other routes as unmatched', async () => {
    await request('GET', '/feeds/rss?key=secret-key-123&status=404', 'feed-1');
    expect(accessLine('feed-1')).toMatchObject({ path: '/feeds/rss', status: 404 });
    expect(accessLine('feed-1')!.sql).toBeUndefined();
    expect(logs.lines.join('\n')).not.toContain('secret-key-123');
    expect(recorded.httpErrors).toEqual([['unmatched', 404]]);
    expect(recorded.graphql).toEqual([]);
  });

  it('counts the statements of other requests apart from GraphQL', async () => {
    await request('GET', '/feeds/atom?sql=2', 'feed-2');
    expect(accessLine('feed-2')).toMatchObject({ sql: 2 });
    expect(recorded.sql).toEqual([['other', 2]]);
  });

  it('logs probes and scrapes at debug only: nothing at info, and still counts their errors', async () => {
    await request('GET', '/healthz', 'probe-1');
    await request('GET', '/readyz?status=503', 'probe-2');
    expect(logs.parsed().filter((line) => line.reqId === 'probe-1' || line.reqId === 'probe-2')).toEqual([]);
    expect(recorded.httpErrors).toEqual([['/readyz', 503]]);
  });

  it('when the client leaves before its answer, the line waits for the work to end and says aborted', async () => {
    const connection = await RawConnection.open(port);
    connection.send('POST', '/graphql?operation=Slow&hold=1&sql=1', { 'x-request-id': 'gone-1' });
    await until(() => releaseWork !== null, 'the request to reach the handler');
    connection.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(accessLine('gone-1')).toBeUndefined();
    releaseWork!();
    await until(() => accessLine('gone-1') !== undefined, 'the access line');
    expect(accessLine('gone-1')).toMatchObject({ operation: 'Slow', aborted: true, sql: 1 });
    expect(recorded.graphql).toEqual([['Slow', 'success']]);
  });
});
