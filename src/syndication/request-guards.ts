import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppConfig } from '../config/config';
import { DomainError, OriginNotAllowedError } from '../common/errors/domain-errors';
import { resolveAdminViewer } from '../auth/viewer';
import type { Viewer } from '../graphql/context';
import { toRequestError } from '../graphql/error-formatter';
import type { ApiKeyService } from './api-key.service';
import { LIMIT_CODES, withinTokenLimit } from './graphql-limits';

/** Ends a request with a domain error's HTTP status and a GraphQL-shaped body. */
export function sendRequestError(res: Response, error: unknown): void {
  const { message, extensions } = toRequestError(error);
  const { http, ...rest } = extensions as { http?: { status?: number } } & Record<string, unknown>;
  res.status(http?.status ?? 500).json({ errors: [{ message, extensions: rest }] });
}

export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * Who is calling, before anything else looks at the request: `Authorization: Bearer <ADMIN_TOKEN>`
 * is an admin, a partner key (`X-Api-Key`, or `?key=` where `acceptQueryKey`, for feed readers
 * that cannot send headers) a partner, anyone else anonymous, counted per client address. A key
 * that is wrong or revoked is refused (401) rather than downgraded to anonymous.
 */
export function authenticate(config: AppConfig, apiKeys: ApiKeyService, options: { acceptQueryKey: boolean }): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const address = clientAddress(req);
    try {
      let viewer: Viewer | null = resolveAdminViewer(req, config, address);
      if (!viewer) {
        const queryKey = options.acceptQueryKey && typeof req.query.key === 'string' ? req.query.key : undefined;
        const key = req.get('x-api-key') ?? queryKey;
        if (key !== undefined) {
          const apiKey = await apiKeys.authenticate(key);
          viewer = { kind: 'partner', id: apiKey.id, apiKey };
        }
      }
      res.locals.viewer = viewer ?? { kind: 'anonymous', id: address };
      next();
    } catch (error) {
      sendRequestError(res, error);
    }
  };
}

const ALLOWED_HEADERS = 'content-type, x-api-key, authorization, apollo-require-preflight, x-apollo-operation-name, x-request-id, if-none-match, if-modified-since';
const EXPOSED_HEADERS = 'x-query-cost, ratelimit-limit, ratelimit-remaining, ratelimit-reset, ratelimit-policy, retry-after, x-request-id, etag, last-modified';

/**
 * CORS: a browser origin is let in only when the caller's key lists it (partners) or the
 * configuration does (CORS_ORIGINS, for keyless callers); everything else is refused with 403, not
 * merely left without headers. Preflights carry no key, so they pass for an origin some live key or
 * the configuration allows, and the real request is then held to its own key's list.
 */
export function corsPerKey(config: AppConfig, apiKeys: ApiKeyService): RequestHandler {
  const configured = new Set(config.corsOrigins);
  return async (req: Request, res: Response, next: NextFunction) => {
    // Every answer depends on the Origin header, so a shared cache (a CDN) must key on it.
    res.vary('Origin');
    const origin = req.get('origin');
    if (!origin || origin === `${req.protocol}://${req.get('host')}`) {
      next();
      return;
    }
    try {
      if (req.method === 'OPTIONS') {
        if (!configured.has(origin) && !(await apiKeys.originAllowedForSomeKey(origin))) throw originRefused(origin);
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
        res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
        res.setHeader('access-control-max-age', '600');
        res.status(204).end();
        return;
      }
      const viewer = res.locals.viewer as Viewer | undefined;
      const allowed = viewer?.apiKey ? viewer.apiKey.allowedOrigins.includes(origin) : configured.has(origin);
      if (!allowed) throw originRefused(origin);
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
      next();
    } catch (error) {
      sendRequestError(res, error);
    }
  };
}

function originRefused(origin: string): DomainError {
  return new OriginNotAllowedError(`Origin ${origin.slice(0, 200)} is not allowed to call this API.`);
}

/**
 * Checks on the request's shape, before Apollo spends anything on it: a JSON array of operations
 * is refused unless batching is enabled, and a document over the token limit is refused unparsed.
 */
export function graphqlRequestShape(config: AppConfig): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const body: unknown = req.body;
    if (Array.isArray(body) && !config.batching) {
      res.status(400).json({ errors: [{ message: 'Batched operations are not enabled on this server: send one operation per request.', extensions: { code: 'BATCHING_DISABLED' } }] });
      return;
    }
    const operations = Array.isArray(body) ? body : [req.method === 'GET' ? req.query : body];
    for (const operation of operations) {
      const query = (operation as { query?: unknown } | null)?.query;
      if (typeof query === 'string' && !withinTokenLimit(query, config.graphqlLimits.maxTokens)) {
        res.status(400).json({
          errors: [{ message: `The document has more than ${config.graphqlLimits.maxTokens} tokens.`, extensions: { code: LIMIT_CODES.tokens } }],
        });
        return;
      }
    }
    next();
  };
}
