import type { ServiceContext } from '../common/request-context';
import type { Viewer } from '../common/viewer';

/** Resolver instances for type-graphql's container: built once per app, shared by requests. */
export interface ResolverRegistry {
  get(resolverClass: abstract new (...args: never[]) => unknown): unknown;
}

/**
 * A GraphQL request's context: the services' request context, plus what type-graphql needs. `L` is
 * the request's loaders; a resolver names only the loaders its services use, and the gateway's
 * context, which carries every loader (src/api/loaders.ts), fits each of them.
 */
export interface GraphQLContext<L = unknown> extends ServiceContext<L> {
  requestId: string;
  viewer: Viewer;
  loaders: L;
  resolvers: ResolverRegistry;
  /**
   * The gateway's public base URL without a trailing slash (PUBLIC_URL, else this request's
   * origin), for absolute links in answers (saved feeds' URLs), as the feeds build theirs.
   */
  baseUrl?: string;
}
