import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiKeyService } from '../api-key/api-key.service';
import { OriginNotAllowedError, type DomainError } from '../common/errors/domain-errors';
import type { Viewer } from '../common/viewer';
import type { AppConfig } from '../config/config';
import { selfOrigin } from './client-address';
import { sendRequestError } from './error-response';

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
      const decision = await policy.decide(req.get('origin'), selfOrigin(req, config.trustProxy), req.method, res.locals.viewer as Viewer | undefined);
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
