import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiKeyService } from '../api-key/api-key.service';
import { UnauthenticatedError } from '../common/errors/domain-errors';
import type { Viewer } from '../common/viewer';
import type { AppConfig } from '../config/config';
import { clientAddress } from './client-address';
import { sendRequestError } from './error-response';

/** Constant-time comparison of secrets of any length (hashing first equalises the lengths). */
function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Who is calling. `Authorization: Bearer <ADMIN_TOKEN>` makes an admin; a bearer token that is
 * not the admin token is refused outright rather than silently treated as anonymous, so a client
 * with a wrong or stale token finds out at once.
 */
function resolveAdminViewer(header: string | undefined, config: AppConfig, clientAddress: string): Viewer | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match || !config.adminToken || !secretsEqual(match[1]!, config.adminToken)) {
    throw new UnauthenticatedError('The bearer token is not valid.');
  }
  return { kind: 'admin', id: `admin@${clientAddress}` };
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

/** identifyCaller as express middleware (the feeds): the caller goes to `res.locals.viewer`. */
export function authenticate(config: AppConfig, apiKeys: ApiKeyService, options: { acceptQueryKey: boolean }): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const queryKey = options.acceptQueryKey && typeof req.query.key === 'string' ? req.query.key : undefined;
      res.locals.viewer = await identifyCaller(req.headers, queryKey, clientAddress(req, config.trustProxy), config, apiKeys);
      next();
    } catch (error) {
      sendRequestError(res, error);
    }
  };
}
