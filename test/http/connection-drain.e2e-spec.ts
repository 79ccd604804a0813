import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectionDrain } from '../../src/http/connection-drain';
import { InFlightWork } from '../../src/http/in-flight';
import { until } from '../support/wait';
import { RawConnection } from './raw-connection';

/**
 * Shutdown's two helpers on a real HTTP server and real client connections: connectionDrain
 * (once draining, every answer not yet begun closes its connection) and InFlightWork (the work of
 * requests, whether or not their clients are still there).
 */
function answer(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) }).end(body);
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('connectionDrain', () => {
  let server: Server;
  let port: number;
  let drain: { drain(): void };
  const held: ServerResponse[] = [];

  beforeEach(async () => {
    held.length = 0;
    // `/held` is answered when the test says so, `/now` at once, `/sync` before the drain's listener runs.
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/held') held.push(res);
      else if (req.url === '/sync') answer(res, 'sync');
      else setImmediate(() => answer(res, 'now'));
    });
    drain = connectionDrain(server);
    port = await listen(server);
  });
  afterEach(() => close(server));

  it('keeps connections alive until drained', async () => {
    const connection = await RawConnection.open(port);
    for (let n = 0; n < 3; n++) {
      connection.send('GET', '/now');
      const response = await connection.response();
      expect(response).toMatchObject({ status: 200, body: 'now' });
      expect(response.headers.connection).toBe('keep-alive');
    }
    expect(connection.isClosed).toBe(false);
    connection.destroy();
  });

  it('a request in flight when the drain begins is answered, with Connection: close, and its connection closed', async () => {
    const connection = await RawConnection.open(port);
    connection.send('GET', '/held');
    await until(() => held.length === 1, 'the request to reach the server');
    drain.drain();
    answer(held[0]!, 'held');
    const response = await connection.response();
    expect(response).toMatchObject({ status: 200, body: 'held' });
    expect(response.headers.connection).toBe('close');
    await connection.closed;
  });

  it('a request arriving afterwards on a connection opened before is answered, with Connection: close, and its connection closed', async () => {
    const idle = await RawConnection.open(port);
    idle.send('GET', '/now');
    expect((await idle.response()).headers.connection).toBe('keep-alive');
    drain.drain();
    idle.send('GET', '/now');
    const response = await idle.response();
    expect(response).toMatchObject({ status: 200, body: 'now' });
    expect(response.headers.connection).toBe('close');
    await idle.closed;
  });

  it('cannot change an answer the app sent before the drain saw its request (the listener runs after the app’s)', async () => {
    const connection = await RawConnection.open(port);
    drain.drain();
    connection.send('GET', '/sync');
    const sync = await connection.response();
    expect(sync.body).toBe('sync');
    expect(sync.headers.connection).toBe('keep-alive');
    // The next answer, begun later, closes the connection.
    connection.send('GET', '/now');
    expect((await connection.response()).headers.connection).toBe('close');
    await connection.closed;
  });
});

describe('InFlightWork', () => {
  it('is idle at once when nothing runs', async () => {
    await new InFlightWork().idle();
  });

  it('is idle once every piece of work has ended, and tells every waiter', async () => {
    const work = new InFlightWork();
    let finishA!: () => void;
    let finishB!: () => void;
    work.track(new Promise<void>((resolve) => (finishA = resolve)));
    work.track(new Promise<void>((resolve) => (finishB = resolve)));
    let idle = false;
    const waiting = work.idle().then(() => (idle = true));
    const second = work.idle();
    finishA();
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    finishB();
    await Promise.all([waiting, second]);
    expect(idle).toBe(true);
    // And again for work started later.
    let finishC!: () => void;
    work.track(new Promise<void>((resolve) => (finishC = resolve)));
    const later = work.idle();
    finishC();
    await later;
  });

  it('counts failed work as ended, without an unhandled rejection of its own', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const work = new InFlightWork();
      let fail!: (error: Error) => void;
      const failing = new Promise<void>((_resolve, reject) => (fail = reject));
      work.track(failing);
      // The caller handles its own failure, as a request handler does.
      const handled = failing.catch((error: Error) => error.message);
      const idle = work.idle();
      fail(new Error('the handler failed'));
      await idle;
      expect(await handled).toBe('the handler failed');
      // Node reports unhandled rejections after the microtask queue drains: give it a turn.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('waits for the work of a request whose client has gone', async () => {
    const work = new InFlightWork();
    let release!: () => void;
    let clientGone = false;
    const server = createServer((_req, res) => {
      const handling = new Promise<void>((resolve) => (release = resolve)).then(() => {
        if (!res.destroyed) answer(res, 'late');
      });
      work.track(handling);
      res.once('close', () => (clientGone = true));
    });
    const port = await listen(server);
    try {
      const connection = await RawConnection.open(port);
      connection.send('GET', '/slow');
      await until(() => release !== undefined, 'the request to reach the server');
      connection.destroy();
      await until(() => clientGone, 'the server to see the client go');
      let idle = false;
      const waiting = work.idle().then(() => (idle = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(idle).toBe(false);
      release();
      await waiting;
    } finally {
      await close(server);
    }
  });
});
