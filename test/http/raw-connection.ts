import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One client TCP connection speaking HTTP/1.1 by hand, so a test sees exactly what goes over it:
 * which request rides which connection, the Connection header of each answer, and when the
 * server closes it. Answers must carry Content-Length.
 */
export class RawConnection {
  private buffer = '';
  private waiting: (() => void) | null = null;
  /** Resolves when the connection is closed, by either side. */
  readonly closed: Promise<void>;
  private ended = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.ended = true;
        this.wake();
        resolve();
      }),
    );
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.ended;
  }

  send(method: string, path: string, headers: Record<string, string> = {}, body = ''): void {
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${Buffer.byteLength(body)}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  }

  /** The next whole response on the connection. */
  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = this.take();
      if (parsed) return parsed;
      if (this.ended) throw new Error(`the connection closed before a whole response: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  /** Closes the connection from the client's side at once. */
  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }

  private take(): RawResponse | null {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const [statusLine, ...headerLines] = this.buffer.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (Buffer.byteLength(this.buffer.slice(end + 4)) < length) return null;
    const body = this.buffer.slice(end + 4, end + 4 + length);
    this.buffer = this.buffer.slice(end + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  }
}
