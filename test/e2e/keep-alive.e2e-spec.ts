import { connect, type Socket } from 'node:net';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Kept-alive connections to the gateway are closed by the client, never by the gateway under a
 * request the client has just sent.
 *
 * The race: a client reuses an idle connection at the moment the server's keep-alive timer closes
 * it; the server drops the connection with the request unread, and the client gets ECONNRESET
 * without knowing whether the request ran. A client only sends on a connection it believes open,
 * so the race needs the server's idea of "idle too long" to come first: Node's default closes
 * after 5 s (and a second of grace), before a load balancer's 60 s, and before a client whose
 * process was busy for a few seconds has noticed anything. Tests that ran `jing` synchronously or
 * stored a long feed in the in-process PGlite were such clients, and failed with ECONNRESET under
 * load. Here the process stalls on purpose, past Node's default window, and then reuses both kinds
 * of connection at once, as those tests did: Node's fetch (undici) and a bare socket.
 */
const NODE_DEFAULT_WINDOW_MS = 5000 + 1000;

describe('keep-alive', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('announces an idle timeout longer than a load balancer’s (60 s), the one it keeps', async () => {
    const res = await fetch(`${app.url}/healthz`);
    await res.text();
    expect(res.headers.get('connection')).toBe('keep-alive');
    const announced = Number(/timeout=(\d+)/.exec(res.headers.get('keep-alive') ?? '')?.[1]);
    expect(announced).toBe(65);
    expect(app.server.keepAliveTimeout).toBe(announced * 1000);
  });

  it('answers on a connection reused right after the client stalled past Node’s default keep-alive window', async () => {
    let newConnections = 0;
    const counted = () => newConnections++;
    const raw = await RawClient.open(app.url);
    try {
      expect(await raw.get('/healthz')).toMatch(/^HTTP\/1\.1 200/);
      const first = await fetch(`${app.url}/healthz`);
      expect(first.status).toBe(200);
      await first.text();

      // From a setImmediate callback: once it returns, the event loop's next turn runs its timers
      // before it reads sockets, so a server timer that expired during the stall fires after the
      // requests below were written and before the server read them: the race, every time.
      const [again, rawAgain] = await new Promise<[Promise<Response>, Promise<string>]>((resolve) =>
        setImmediate(() => {
          app.server.on('connection', counted);
          stall(NODE_DEFAULT_WINDOW_MS + 500);
          resolve([fetch(`${app.url}/healthz`), raw.get('/healthz')]);
        }),
      );
      const outcomes = await Promise.allSettled([again.then(async (res) => (await res.text(), res.status)), rawAgain.then((head) => head.split('\r\n')[0])]);
      const [fetched, rawFetched] = outcomes.map((outcome) =>
        outcome.status === 'fulfilled' ? outcome.value : String((outcome.reason as Error & { cause?: Error }).cause ?? outcome.reason),
      );
      expect({ fetched, rawFetched }).toEqual({ fetched: 200, rawFetched: 'HTTP/1.1 200 OK' });
      // Both went over connections opened before the stall.
      expect(newConnections).toBe(0);
    } finally {
      app.server.off('connection', counted);
      raw.close();
    }
  });
});

/** Blocks the whole process, as a synchronous child process or a long synchronous step does. */
function stall(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One TCP connection carrying HTTP/1.1 requests one after the other (small responses only). */
class RawClient {
  private buffered = '';
  private waiting: { resolve(head: string): void; reject(error: Error): void } | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      this.settle();
    });
    const fail = (error: Error) => {
      this.waiting?.reject(error);
      this.waiting = null;
    };
    socket.on('error', fail);
    socket.on('end', () => fail(new Error('the server closed the connection')));
  }

  static open(url: string): Promise<RawClient> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends at once (the write is not deferred) and resolves with the response's head. */
  get(path: string): Promise<string> {
    const answered = new Promise<string>((resolve, reject) => (this.waiting = { resolve, reject }));
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: gateway\r\n\r\n`);
    return answered;
  }

  close(): void {
    this.socket.destroy();
  }

  private settle(): void {
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buffered.slice(0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffered.length < end + 4 + length) return;
    this.buffered = this.buffered.slice(end + 4 + length);
    this.waiting.resolve(head);
    this.waiting = null;
  }
}
