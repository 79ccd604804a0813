import type { IncomingMessage } from 'node:http';

/** The client's address, from X-Forwarded-For only when the configuration trusts a proxy. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/** The origin the request was sent to (X-Forwarded-Proto only when a proxy is trusted): same-origin calls need no CORS. */
export function selfOrigin(req: IncomingMessage, trustProxy: boolean): string {
  const forwardedProto = trustProxy ? (req.headers['x-forwarded-proto'] as string | undefined)?.split(',')[0]?.trim() : undefined;
  const protocol = forwardedProto ?? ((req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
  return `${protocol}://${req.headers.host ?? ''}`;
}
