import { lexicographicSortSchema, printSchema, specifiedDirectives, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, type ResolverData } from 'type-graphql';
import { ArticleResolver } from '../article/article.resolver';
import { PersonArticlesResolver, SourceArticlesResolver } from '../article/article-lists.resolver';
import { FeedItemResolver } from '../feed-item/feed-item.resolver';
import { SourceHeadlinesResolver } from '../feed-item/source-headlines.resolver';
import { PersonResolver } from '../person/person.resolver';
import { SourceRegistryResolver } from '../source-registry/source-registry.resolver';
import { SourceResolver } from '../source/source.resolver';
import { ApiKeyResolver } from '../api-key/api-key.resolver';
import { cacheControlDirective } from '../cache/cache-hints';
import { schemaAuthChecker } from '../graphql/authorization';
import type { GraphQLContext } from '../graphql/context';
import { describeInputLimits } from '../graphql/input-limits';
import { NodeResolver } from './node.resolver';
import { resolveGlobalIds } from '../graphql/relay/node';

const RESOLVERS = [
  NodeResolver,
  ArticleResolver,
  SourceArticlesResolver,
  PersonArticlesResolver,
  SourceResolver,
  SourceHeadlinesResolver,
  PersonResolver,
  FeedItemResolver,
  ApiKeyResolver,
  SourceRegistryResolver,
] as const;

let schema: GraphQLSchema | undefined;

/**
 * The schema is built once per process from the decorated classes. Resolver instances (with their
 * services) live in each app's registry and reach type-graphql through the request context, so
 * several apps (tests) can share one schema.
 */
export function gatewaySchema(): GraphQLSchema {
  if (schema) return schema;
  schema = buildSchemaSync({
    resolvers: [...RESOLVERS],
    container: ({ context }: ResolverData<GraphQLContext>) => context.resolvers,
    // Arguments are validated by services, which know the domain rules; class-validator would be
    // a second, slower rulebook. Their lengths are checked before any resolver (src/edge/input-limits.plugin.ts).
    validate: false,
    // The request's registry supplies the implementation (src/edge/auth-checker.ts).
    authChecker: schemaAuthChecker,
    // Cache hints are @cacheControl directives on types and fields (src/cache/cache-hints.ts).
    directives: [...specifiedDirectives, cacheControlDirective],
  });
  // type-graphql gives the root type no description; the schema promises one on every type.
  const query = schema.getQueryType();
  if (query && !query.description) query.description = 'The entry points for reading news: articles, sources, people and the latest-headlines feed.';
  const mutation = schema.getMutationType();
  if (mutation && !mutation.description) mutation.description = 'Admin operations (an admin bearer token is required): followed sources and partner API keys.';
  // Node types' ids are computed from the rows' database ids (relay/node.ts).
  resolveGlobalIds(schema);
  // Every String and ID argument and input field says how long it may be.
  describeInputLimits(schema);
  return schema;
}

/** The SDL committed as schema/schema.graphql: sorted, so diffs show real changes only. */
export function printGatewaySchema(): string {
  return `${printSchema(lexicographicSortSchema(gatewaySchema()))}\n`;
}
