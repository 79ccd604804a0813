import { timingSafeEqual, createHash } from 'node:crypto';
import type { AppConfig } from '../config/config';
import { UnauthenticatedError } from '../common/errors/domain-errors';
import type { Viewer } from '../graphql/context';

/** Constant-time comparison of secrets of any length (hashing first equalises the lengths). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Who is calling. `Authorization: Bearer <ADMIN_TOKEN>` makes an admin; a bearer token that is
 * not the admin token is refused outright rather than silently treated as anonymous, so a client
 * with a wrong or stale token finds out at once.
 */
export function resolveAdminViewer(header: string | undefined, config: AppConfig, clientAddress: string): Viewer | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match || !config.adminToken || !secretsEqual(match[1]!, config.adminToken)) {
    throw new UnauthenticatedError('The bearer token is not valid.');
  }
  return { kind: 'admin', id: `admin@${clientAddress}` };
}
