import {
  GraphQLObjectType,
  GraphQLSchema,
  Kind,
  lexicographicSortSchema,
  parse,
  print,
  printSchema,
  specifiedDirectives,
  visit,
  type ConstDirectiveNode,
  type DefinitionNode,
} from 'graphql';
import { buildSchemaSync, type ResolverData } from 'type-graphql';
import { ArticleResolver } from '../article/article.resolver';
import { PersonArticlesResolver, SourceArticlesResolver } from '../article/article-lists.resolver';
import { FeedItemResolver } from '../feed-item/feed-item.resolver';
import { SourceHeadlinesResolver } from '../feed-item/source-headlines.resolver';
import { PersonResolver } from '../person/person.resolver';
import { SourceRegistryResolver } from '../source-registry/source-registry.resolver';
import { SourceResolver } from '../source/source.resolver';
import { ApiKeyResolver } from '../api-key/api-key.resolver';
import { ArticleStoryResolver, StoryLinkResolver, StoryResolver } from '../story/story.resolver';
import { SavedFeedResolver } from '../feed-item/saved-feed.resolver';
import { WebhookDeliveryResolver, WebhookResolver } from '../webhook/webhook.resolver';
import { cacheControlDirective } from '../cache/cache-hints';
import { schemaAuthChecker } from '../graphql/authorization';
import type { GraphQLContext } from '../graphql/context';
import { describeInputLimits } from '../graphql/input-limits';
import { NodeResolver } from './node.resolver';
import { resolveGlobalIds } from '../graphql/relay/node';
import { ENTITY_TYPE_NAMES } from '../graphql/relay/global-id';
import { FederationResolver } from './federation.resolver';
import { LiveResolver } from '../live/live.resolver';

const RESOLVERS = [
  NodeResolver,
  ArticleResolver,
  SourceArticlesResolver,
  PersonArticlesResolver,
  SourceResolver,
  SourceHeadlinesResolver,
  PersonResolver,
  FeedItemResolver,
  StoryResolver,
  StoryLinkResolver,
  ArticleStoryResolver,
  SavedFeedResolver,
  ApiKeyResolver,
  WebhookResolver,
  WebhookDeliveryResolver,
  SourceRegistryResolver,
  FederationResolver,
  LiveResolver,
] as const;

let schema: GraphQLSchema | undefined;

const NO_TOPICS = {
  publish(): void {
    throw new Error('Subscriptions here have no topics: they subscribe to src/live.');
  },
  subscribe(): AsyncIterable<never> {
    throw new Error('Subscriptions here have no topics: they subscribe to src/live.');
  },
};

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
    // Subscriptions bring their own event streams (src/live/live.resolver.ts); type-graphql insists
    // on a PubSub for topic-based ones, of which there are none.
    pubSub: NO_TOPICS,
  });
  // type-graphql gives the root type no description; the schema promises one on every type.
  const query = schema.getQueryType();
  if (query && !query.description) query.description = 'The entry points for reading news: articles, sources, people and the latest-headlines feed.';
  const mutation = schema.getMutationType();
  if (mutation && !mutation.description) mutation.description = 'Admin operations (an admin bearer token is required): followed sources and partner API keys; and a partner key’s saved feeds.';
  if (mutation && !mutation.description) mutation.description = 'Admin operations (an admin bearer token is required): followed sources and partner API keys; and webhooks (a partner key or an admin token).';
  const subscription = schema.getSubscriptionType();
  if (subscription && !subscription.description) subscription.description = 'News as it is stored, over WebSocket on /graphql (graphql-ws protocol): new headlines and new articles.';
  // Node types' ids are computed from the rows' database ids (relay/node.ts).
  resolveGlobalIds(schema);
  // Every String and ID argument and input field says how long it may be.
  describeInputLimits(schema);
  return schema;
}

/** What the subgraph specification adds to a schema, which its clients' schema leaves out. */
const FEDERATION_FIELDS: ReadonlySet<string> = new Set(['_entities', '_service']);
const FEDERATION_TYPES: ReadonlySet<string> = new Set(['_Any', '_Entity', '_Service']);

/**
 * The schema as apps see it: the served one without `_entities` and `_service` (and their types),
 * which are there for a federation router (src/api/federation.resolver.ts).
 */
function clientSchema(): GraphQLSchema {
  const schema = gatewaySchema();
  const config = schema.toConfig();
  const query = schema.getQueryType();
  if (!query) throw new Error('The schema has no Query type.');
  const queryConfig = query.toConfig();
  const clientQuery = new GraphQLObjectType({
    ...queryConfig,
    fields: Object.fromEntries(Object.entries(queryConfig.fields).filter(([name]) => !FEDERATION_FIELDS.has(name))),
  });
  return new GraphQLSchema({
    ...config,
    query: clientQuery,
    types: config.types.filter((type) => type !== query && !FEDERATION_TYPES.has(type.name)),
  });
}

/** The SDL committed as schema/schema.graphql: sorted, so diffs show real changes only. */
export function printGatewaySchema(): string {
  return `${printSchema(lexicographicSortSchema(clientSchema()))}\n`;
}

/** The federation specification the subgraph SDL links, and what it imports from it. */
const FEDERATION_LINK = 'https://specs.apollo.dev/federation/v2.0';

/**
 * Relay's PageInfo is the same in every Relay schema, so a company's subgraph may well have its own:
 * marked shareable here (and there), both compose into one.
 */
const SHAREABLE_TYPES: ReadonlySet<string> = new Set(['PageInfo']);

function directive(name: string, args: Record<string, string | string[]> = {}): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: name },
    arguments: Object.entries(args).map(([argName, value]) => ({
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: argName },
      value: Array.isArray(value)
        ? { kind: Kind.LIST, values: value.map((item) => ({ kind: Kind.STRING, value: item })) }
        : { kind: Kind.STRING, value },
    })),
  };
}

/**
 * The subgraph SDL, committed as schema/subgraph.graphql and answered by `_service { sdl }`: the
 * clients' schema, linked to Apollo Federation 2 (`extend schema @link`), with every Node type an
 * entity keyed by its global id (`@key(fields: "id")`), so a supergraph can join our articles,
 * sources, people and feed items to its own types; `_entities` and `_service` stay out, as the
 * subgraph specification asks.
 */
export function printSubgraphSchema(): string {
  const document = parse(printSchema(lexicographicSortSchema(clientSchema())));
  const entities: ReadonlySet<string> = new Set(ENTITY_TYPE_NAMES);
  const annotated = visit(document, {
    ObjectTypeDefinition(node) {
      const name = node.name.value;
      if (entities.has(name)) return { ...node, directives: [...(node.directives ?? []), directive('key', { fields: 'id' })] };
      if (SHAREABLE_TYPES.has(name)) return { ...node, directives: [...(node.directives ?? []), directive('shareable')] };
      return undefined;
    },
  });
  const link: DefinitionNode = {
    kind: Kind.SCHEMA_EXTENSION,
    directives: [directive('link', { url: FEDERATION_LINK, import: ['@key', '@shareable'] })],
  };
  return `${print({ ...annotated, definitions: [link, ...annotated.definitions] })}\n`;
}
