import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppConfig } from '../config/config';
import { DomainError, OriginNotAllowedError } from '../common/errors/domain-errors';
import { resolveAdminViewer } from '../auth/viewer';
import type { Viewer } from '../graphql/context';
import { toRequestError } from '../graphql/error-formatter';
import type { ApiKeyService } from './api-key.service';
import { LIMIT_CODES, withinTokenLimit } from './graphql-limits';

/**
 * The checks every request meets before GraphQL or a feed spends anything on it: who is calling,
 * CORS, the request's shape. Written against plain headers so that the lean /graphql endpoint
 * (http/graphql-endpoint.ts) and the express routes (/feeds) share them.
 */

/** An HTTP answer decided before execution: a status and a GraphQL-shaped body. */
export interface EarlyResponse {
  status: number;
  body: { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
}

/** A domain error as an HTTP answer, with its status (401, 403, 429, ...). */
export function requestErrorResponse(error: unknown): EarlyResponse {
  const { message, extensions } = toRequestError(error);
  const { http, ...rest } = extensions as { http?: { status?: number } } & Record<string, unknown>;
  return { status: http?.status ?? 500, body: { errors: [{ message, extensions: rest }] } };
}

/** Ends an express request with a domain error's HTTP status and a GraphQL-shaped body. */
export function sendRequestError(res: Response, error: unknown): void {
  const { status, body } = requestErrorResponse(error);
  res.status(status).json(body);
}

export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Who is calling: `Authorization: Bearer <ADMIN_TOKEN>` is an admin, a partner key (`X-Api-Key`,
 * or `?key=` for feed readers that cannot send headers) a partner, anyone else anonymous, counted
 * per client address. A key that is wrong or revoked is refused (401) rather than downgraded to
 * anonymous.
 */
export async function identifyCaller(
  headers: IncomingHttpHeaders,
  queryKey: string | undefined,
  address: string,
  config: AppConfig,
  apiKeys: ApiKeyService,
): Promise<Viewer> {
  const admin = resolveAdminViewer(header(headers, 'authorization'), config, address);
  if (admin) return admin;
  const key = header(headers, 'x-api-key') ?? queryKey;
  if (key !== undefined) {
    const apiKey = await apiKeys.authenticate(key);
    return { kind: 'partner', id: apiKey.id, apiKey };
  }
  return { kind: 'anonymous', id: address };
}

export function authenticate(config: AppConfig, apiKeys: ApiKeyService, options: { acceptQueryKey: boolean }): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const queryKey = options.acceptQueryKey && typeof req.query.key === 'string' ? req.query.key : undefined;
      res.locals.viewer = await identifyCaller(req.headers, queryKey, clientAddress(req), config, apiKeys);
      next();
    } catch (error) {
      sendRequestError(res, error);
    }
  };
}

const ALLOWED_HEADERS = 'content-type, x-api-key, authorization, apollo-require-preflight, x-apollo-operation-name, x-request-id, if-none-match, if-modified-since';
const EXPOSED_HEADERS = 'x-query-cost, ratelimit-limit, ratelimit-remaining, ratelimit-reset, ratelimit-policy, retry-after, x-request-id, etag, last-modified';

/** What CORS says about one request: headers to add, and whether it was a preflight (answer 204). */
export interface CorsDecision {
  headers: Record<string, string>;
  preflight: boolean;
}

/**
 * CORS: a browser origin is let in only when the caller's key lists it (partners) or the
 * configuration does (CORS_ORIGINS, for keyless callers); everything else is refused with 403, not
 * merely left without headers. Preflights carry no key, so they pass for an origin some live key or
 * the configuration allows, and the real request is then held to its own key's list. Throws
 * OriginNotAllowedError.
 */
export class CorsPolicy {
  private readonly configured: ReadonlySet<string>;

  constructor(
    config: AppConfig,
    private readonly apiKeys: ApiKeyService,
  ) {
    this.configured = new Set(config.corsOrigins);
  }

  async decide(origin: string | undefined, selfOrigin: string, method: string, viewer: Viewer | undefined): Promise<CorsDecision> {
    if (!origin || origin === selfOrigin) return { headers: {}, preflight: false };
    if (method === 'OPTIONS') {
      if (!this.configured.has(origin) && !(await this.apiKeys.originAllowedForSomeKey(origin))) throw originRefused(origin);
      return {
        preflight: true,
        headers: {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': ALLOWED_HEADERS,
          'access-control-max-age': '600',
        },
      };
    }
    const allowed = viewer?.apiKey ? viewer.apiKey.allowedOrigins.includes(origin) : this.configured.has(origin);
    if (!allowed) throw originRefused(origin);
    return { preflight: false, headers: { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED_HEADERS } };
  }
}

export function corsPerKey(config: AppConfig, apiKeys: ApiKeyService): RequestHandler {
  const policy = new CorsPolicy(config, apiKeys);
  return async (req: Request, res: Response, next: NextFunction) => {
    // Every answer depends on the Origin header, so a shared cache (a CDN) must key on it.
    res.vary('Origin');
    try {
      const decision = await policy.decide(req.get('origin'), `${req.protocol}://${req.get('host')}`, req.method, res.locals.viewer as Viewer | undefined);
      for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
      if (decision.preflight) {
        res.status(204).end();
        return;
      }
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
 * Checks on a GraphQL request's shape, before Apollo spends anything on it: a JSON array of
 * operations is refused unless batching is enabled, and a document over the token limit is
 * refused unparsed. `operations` is the POST body, or the GET query parameters.
 */
export function requestShapeError(payload: unknown, config: AppConfig): EarlyResponse | null {
  if (Array.isArray(payload) && !config.batching) {
    return {
      status: 400,
      body: { errors: [{ message: 'Batched operations are not enabled on this server: send one operation per request.', extensions: { code: 'BATCHING_DISABLED' } }] },
    };
  }
  for (const operation of Array.isArray(payload) ? payload : [payload]) {
    const query = (operation as { query?: unknown } | null)?.query;
    if (typeof query === 'string' && !withinTokenLimit(query, config.graphqlLimits.maxTokens)) {
      return {
        status: 400,
        body: { errors: [{ message: `The document has more than ${config.graphqlLimits.maxTokens} tokens.`, extensions: { code: LIMIT_CODES.tokens } }] },
      };
    }
  }
  return null;
}
