import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { earlyResponse, sendJson, sendResponse } from '../edge/error-response';

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
        sendResponse(res, earlyResponse(401, 'Metrics need a bearer token.', 'UNAUTHENTICATED'));
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
      sendResponse(res, earlyResponse(500, 'Internal server error', 'INTERNAL_SERVER_ERROR'));
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
    if (read && path === '/healthz') sendJson(res, 200, { status: 'ok' });
    else if (read && path === '/metrics' && metrics) void metrics(req, res);
    else sendResponse(res, earlyResponse(404, 'Not found', 'NOT_FOUND'));
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
