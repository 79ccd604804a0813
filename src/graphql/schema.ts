import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, type ResolverData } from 'type-graphql';
import { ArticleResolver } from '../article/article.resolver';
import { AuthChecker } from '../auth/auth-checker';
import { FeedItemResolver } from '../feed-item/feed-item.resolver';
import { PersonResolver } from '../person/person.resolver';
import { SourceRegistryResolver } from '../source/source-registry.resolver';
import { SourceResolver } from '../source/source.resolver';
import type { GraphQLContext } from './context';
import { NodeResolver } from './node.resolver';

export const RESOLVERS = [NodeResolver, ArticleResolver, SourceResolver, PersonResolver, FeedItemResolver, SourceRegistryResolver] as const;

let schema: GraphQLSchema | undefined;

/**
 * The schema is built once per process from the decorated classes. Resolver instances (with their
 * services) live in each app's registry and reach type-graphql through the request context, so
 * several apps (tests) can share one schema.
 */
export function gatewaySchema(): GraphQLSchema {
  schema ??= buildSchemaSync({
    resolvers: [...RESOLVERS],
    container: ({ context }: ResolverData<GraphQLContext>) => context.resolvers,
    // Arguments are validated by services, which know the domain rules; class-validator would be
    // a second, slower rulebook.
    validate: false,
    authChecker: AuthChecker,
  });
  return schema;
}

/** The SDL committed as schema/schema.graphql: sorted, so diffs show real changes only. */
export function printGatewaySchema(): string {
  return `${printSchema(lexicographicSortSchema(gatewaySchema()))}\n`;
}
