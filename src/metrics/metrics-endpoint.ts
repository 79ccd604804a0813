import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/**
 * GET /metrics in the Prometheus text format. With a token (METRICS_TOKEN), only a request with
 * `Authorization: Bearer <token>` gets them, everyone else 401; the token is compared in constant
 * time (as SHA-256 digests, so its length does not show either).
 */
export function metricsHandler(registry: Registry, token: string | null) {
  const expected = token === null ? null : digest(token);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (expected !== null) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(given), expected)) {
        res.setHeader('www-authenticate', 'Bearer realm="metrics"');
        json(res, 401, { errors: [{ message: 'Metrics need a bearer token.', extensions: { code: 'UNAUTHENTICATED' } }] });
        return;
      }
    }
    try {
      const body = await registry.metrics();
      res.statusCode = 200;
      res.setHeader('content-type', registry.contentType);
      res.setHeader('cache-control', 'no-store');
      res.end(body);
    } catch {
      json(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }
  };
}

/**
 * `newsgate worker`'s own small HTTP server (WORKER_HTTP_PORT): /healthz, and /metrics unless
 * METRICS=false. Nothing else: the worker serves no API.
 */
export function startWorkerHttp(options: {
  port: number;
  host: string;
  registry: Registry | null;
  token: string | null;
  logger: Logger;
}): Promise<Server> {
  const metrics = options.registry ? metricsHandler(options.registry, options.token) : null;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (read && path === '/healthz') json(res, 200, { status: 'ok' });
    else if (read && path === '/metrics' && metrics) void metrics(req, res);
    else json(res, 404, { errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      options.logger.info({ port: options.port }, 'worker serving /healthz and /metrics');
      resolve(server);
    });
  });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.end(payload);
}
