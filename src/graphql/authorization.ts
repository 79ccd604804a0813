import type { AuthCheckerFn, AuthCheckerInterface, ResolverData } from 'type-graphql';
import type { GraphQLContext } from './context';

/** The role of `@Authorized(ADMIN)` fields and mutations. */
export const ADMIN = 'ADMIN';

/**
 * What decides `@Authorized` fields. The schema names only this class; the implementation
 * (src/edge/auth-checker.ts, which knows the callers) is registered under it in each app's
 * resolver registry, where the schema's checker looks it up per request.
 */
export abstract class SchemaAuthChecker implements AuthCheckerInterface<GraphQLContext> {
  abstract check(data: ResolverData<GraphQLContext>, roles: string[]): boolean | Promise<boolean>;
}

export const schemaAuthChecker: AuthCheckerFn<GraphQLContext> = (data, roles) =>
  (data.context.resolvers.get(SchemaAuthChecker) as SchemaAuthChecker).check(data, roles);
