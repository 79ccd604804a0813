import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { GuardedAgent } from './address-guard';
import { FetchError } from './errors';
import { fetchResource } from './fetch-resource';

/**
 * The keep-alive race as a publisher plays it: the connection our previous fetch left open is
 * closed (reset) by the publisher just as our next request arrives on it. The publisher here is a
 * bare TCP server so that the moment is exact, not a matter of timers: `lose(n)` says what happens
 * to the n-th request of a connection.
 */
const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>ok</title></channel></rss>';

interface Publisher {
  url: string;
  connections: number;
  requests: number;
  close(): Promise<void>;
}

async function publisher(lose: (requestOfConnection: number, connection: number) => 'answer' | 'reset' | 'cut-body'): Promise<Publisher> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, requests: 0 };
  const server: Server = createServer((socket) => {
    const connection = ++state.connections;
    let requestOfConnection = 0;
    let buffered = '';
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      // Bodiless GETs: a request ends with its blank line.
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        buffered = buffered.slice(end + 4);
        state.requests++;
        const fate = lose(++requestOfConnection, connection);
        if (fate === 'reset') {
          socket.resetAndDestroy();
          return;
        }
        if (fate === 'cut-body') {
          socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: ${FEED.length}\r\n\r\n${FEED.slice(0, 20)}`);
          setImmediate(() => socket.resetAndDestroy());
          return;
        }
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: ${FEED.length}\r\nConnection: keep-alive\r\n\r\n${FEED}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`,
    get connections() {
      return state.connections;
    },
    get requests() {
      return state.requests;
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a kept-alive connection the publisher drops under our request', () => {
  let agent: GuardedAgent;
  let server: Publisher | undefined;
  beforeEach(() => {
    agent = new GuardedAgent({ allowlist: ['127.0.0.1'], connections: 1 });
  });
  afterEach(async () => {
    await agent.close();
    await server?.close();
  });

  it('sends the GET again on a new connection, and the fetch succeeds', async () => {
    // The first connection answers its first request and resets under the second.
    server = await publisher((n, connection) => (connection === 1 && n === 2 ? 'reset' : 'answer'));
    expect((await fetchResource(server.url, { agent })).status).toBe('ok');
    const again = await fetchResource(server.url, { agent });
    expect(again).toMatchObject({ status: 'ok', httpStatus: 200 });
    expect({ connections: server.connections, requests: server.requests }).toEqual({ connections: 2, requests: 3 });
  });

  it('sends it once more only: a publisher that resets every request fails the fetch (NETWORK)', async () => {
    server = await publisher(() => 'reset');
    const error = await fetchResource(server.url, { agent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchError);
    expect(error).toMatchObject({ code: 'NETWORK' });
    expect(server.requests).toBe(2);
  });

  it('does not repeat a request whose answer had begun', async () => {
    server = await publisher(() => 'cut-body');
    const error = await fetchResource(server.url, { agent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchError);
    expect(server.requests).toBe(1);
  });
});
