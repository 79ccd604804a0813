import { ForbiddenError } from '../common/errors/domain-errors';
import type { ServiceContext } from '../common/request-context';

export interface FederationOptions {
  /** The subgraph SDL (schema/subgraph.graphql), printed from the schema when first asked for. */
  sdl: () => string;
  /**
   * Whether anyone may read the SDL: it names the whole schema, as introspection does, so it
   * follows GRAPHQL_INTROSPECTION; with introspection off only admins get it (`rover subgraph
   * introspect --header "Authorization: Bearer …"`).
   */
  open: boolean;
}

/** Apollo Federation's `_service`: what a router or `rover` composes a supergraph from. */
export class FederationService {
  private sdl: string | undefined;

  constructor(private readonly options: FederationOptions) {}

  service(ctx: ServiceContext): { sdl: string } {
    if (!this.options.open && ctx.viewer.kind !== 'admin') {
      throw new ForbiddenError('The subgraph schema is only given to admins while introspection is off (GRAPHQL_INTROSPECTION).');
    }
    this.sdl ??= this.options.sdl();
    return { sdl: this.sdl };
  }
}
