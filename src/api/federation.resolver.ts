import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';
import { Arg, createUnionType, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { Article } from '../article/article.types';
import { FeedItem } from '../feed-item/feed-item.types';
import { nodeTypeOf } from '../graphql/relay/node';
import { Person } from '../person/person.types';
import { Source } from '../source/source.types';
import { FederationService } from './federation.service';
import type { GatewayContext } from './loaders';
import { NodeService } from './node.service';

/**
 * The two root fields that make the schema an Apollo Federation 2 subgraph (the subgraph
 * specification's names: `_service`, `_entities`, `_Any`, `_Entity`, `_Service`). They serve a
 * router, not apps: schema/schema.graphql leaves them out, and schema/subgraph.graphql is the SDL
 * `_service` answers (src/api/schema.ts prints both).
 */

/** A representation of an entity: `{ "__typename": "Article", "id": "<global id>" }`, any JSON. */
const AnyScalar = new GraphQLScalarType({
  name: '_Any',
  description: 'Apollo Federation: an entity representation, `{ "__typename": "Article", "id": "<global ID>" }`.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node, variables) => valueFromASTUntyped(node, variables),
});

const EntityUnion = createUnionType({
  name: '_Entity',
  description: 'Apollo Federation: every type other subgraphs can reference by its `id` (a global ID).',
  types: () => [Article, Source, Person, FeedItem] as const,
  resolveType: (value: object) => nodeTypeOf(value),
});

@ObjectType('_Service', { simpleResolvers: true, description: 'Apollo Federation: this subgraph as a router composes it.' })
class SubgraphService {
  @Field(() => String, { description: 'The subgraph SDL: the schema with its federation directives (`@key`, `@link`).' })
  sdl!: string;
}

@Resolver()
export class FederationResolver {
  constructor(
    private readonly nodeService: NodeService,
    private readonly federationService: FederationService,
  ) {}

  @Query(() => [EntityUnion], {
    name: '_entities',
    nullable: 'items',
    description:
      'Apollo Federation: the entities a router references, in order, by their global IDs; null for one that no longer exists. Charged per representation.',
  })
  entities(
    @Ctx() ctx: GatewayContext,
    @Arg('representations', () => [AnyScalar], { description: 'Up to 100 `{ __typename, id }` objects, `id` a global ID of that type.' })
    representations: unknown[],
  ) {
    return this.nodeService.entities(ctx, representations);
  }

  @Query(() => SubgraphService, {
    name: '_service',
    description: 'Apollo Federation: this subgraph’s SDL for composition (admins only while introspection is off).',
  })
  service(@Ctx() ctx: GatewayContext) {
    return this.federationService.service(ctx);
  }
}
