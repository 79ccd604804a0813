import net from 'node:net';

/**
 * A pass-through TCP proxy in front of Postgres that counts the statements its clients send:
 * every simple Query ('Q') and every extended-protocol Execute ('E') message, whoever the client
 * is (pg, TypeORM, PostGraphile) and whatever the other clients of the database do. The bench
 * points a separate instance of each server at it to count statements per request; the
 * measured instances talk to Postgres directly.
 */
export class StatementCounter {
  statements = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly postgresHost: string,
    private readonly postgresPort: number,
  ) {
    this.server = net.createServer((client) => this.relay(client));
  }

  /** Listens on a free local port and returns it. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(client: net.Socket): void {
    const upstream = net.connect(this.postgresPort, this.postgresHost);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    let pending: Buffer = Buffer.alloc(0);
    // Until the startup message has passed, messages carry no type byte (SSLRequest and
    // GSSENCRequest come first, and the startup message after the server's answer).
    let startup = true;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let offset = 0;
      for (;;) {
        if (startup) {
          if (pending.length - offset < 8) break;
          const length = pending.readInt32BE(offset);
          if (pending.length - offset < length) break;
          const code = pending.readInt32BE(offset + 4);
          offset += length;
          if (code !== 80877103 && code !== 80877104) startup = false;
        } else {
          if (pending.length - offset < 5) break;
          const type = String.fromCharCode(pending[offset]!);
          const length = pending.readInt32BE(offset + 1);
          if (pending.length - offset < 1 + length) break;
          if (type === 'Q' || type === 'E') this.statements++;
          offset += 1 + length;
        }
      }
      pending = pending.subarray(offset);
    });
    client.on('end', () => upstream.end());
  }
}
