import type { ResolverData } from 'type-graphql';
import { ForbiddenError, UnauthenticatedError } from '../common/errors/domain-errors';
import { ADMIN, SchemaAuthChecker } from '../graphql/authorization';
import type { GatewayContext } from '../api/loaders';

/**
 * `@Authorized(ADMIN)` on a field or mutation: anonymous callers get UNAUTHENTICATED, partner
 * keys FORBIDDEN. The check runs per field, so no alias, fragment or batched operation can reach
 * an admin field another way.
 */
export class AuthChecker extends SchemaAuthChecker {
  check({ context }: ResolverData<GatewayContext>, roles: string[]): boolean {
    const { viewer } = context;
    if (roles.includes(ADMIN)) {
      if (viewer.kind === 'admin') return true;
      if (viewer.kind === 'anonymous') throw new UnauthenticatedError('This operation needs an admin token (Authorization: Bearer <token>).');
      throw new ForbiddenError('Partner keys cannot use admin operations.');
    }
    return true;
  }
}
