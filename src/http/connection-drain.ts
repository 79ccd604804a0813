import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Shutdown's help with kept-alive connections. Node's server.close() refuses new connections but
 * goes on answering on the open ones with `Connection: keep-alive`, so a client whose request was
 * in flight sends its next one on the same socket, just as shutdown drops it: the request is lost
 * to a reset, and the client cannot tell whether it ran. Once `drain()` is called, every response
 * not yet begun (of a request in flight then, or of one arriving later on an open connection)
 * carries `Connection: close` and Node closes the connection when it has been sent; the client's
 * next request opens a new connection, which is refused: never run, safe to retry elsewhere.
 */
export function connectionDrain(server: Server): { drain(): void } {
  const unanswered = new Set<ServerResponse>();
  let draining = false;
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
  // After the app's own listener: a response it answered synchronously (/healthz) is already sent.
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      closeAfter(res);
      return;
    }
    if (res.headersSent) return;
    unanswered.add(res);
    res.once('close', () => unanswered.delete(res));
  });
  return {
    drain() {
      draining = true;
      for (const res of unanswered) closeAfter(res);
      unanswered.clear();
    },
  };
}
