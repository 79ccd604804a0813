import { DirectiveLocation, GraphQLDirective, GraphQLEnumType, GraphQLInt, GraphQLBoolean } from 'graphql';
import { Directive } from 'type-graphql';

/**
 * How long public data may be cached, in seconds. A response's max-age is the smallest hint among
 * the fields it holds, and anything without a hint is not cacheable at all (the cache-control
 * plugin's default of 0), so admin data and new types stay uncached until someone decides.
 */
export const CACHE_SECONDS = {
  /** The "latest" headlines: new items also end cached copies at once (cache-invalidation.ts). */
  headlines: 60,
  /** Articles, sources, people: they change rarely once stored. */
  catalog: 300,
} as const;

/** `@cacheControl(maxAge: n)` on a type or field, read by Apollo's cache-control plugin. */
export function CacheHint(maxAge: number): ClassDecorator & MethodDecorator & PropertyDecorator {
  return Directive(`@cacheControl(maxAge: ${maxAge})`);
}

const CacheControlScope = new GraphQLEnumType({
  name: 'CacheControlScope',
  description: 'Who may share a cached response.',
  values: {
    PUBLIC: { description: 'Any cache, shared between callers.' },
    PRIVATE: { description: 'Only the caller’s own cache.' },
  },
});

/** The directive's definition, so the emitted SDL declares what the types use. */
export const cacheControlDirective = new GraphQLDirective({
  name: 'cacheControl',
  description: 'How long the field or type may be cached, and by whom.',
  locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.OBJECT, DirectiveLocation.INTERFACE, DirectiveLocation.UNION],
  args: {
    maxAge: { type: GraphQLInt, description: 'Seconds the data may be cached.' },
    scope: { type: CacheControlScope, description: 'Who may share the cached data.' },
    inheritMaxAge: { type: GraphQLBoolean, description: 'Take the parent field’s max-age instead of the default.' },
  },
});
