import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { CACHE_SECONDS } from './cache-hints';
import { gatewaySchema } from '../api/schema';
import { StaticCachePolicies } from './static-cache-policy.plugin';

/**
 * The policy worked out once per document must never be longer than what Apollo's per-field
 * cache-control plugin would give: the shortest hint among the selected fields, and uncacheable as
 * soon as one selected field has no hint.
 */
describe('static cache policies', () => {
  const policies = new StaticCachePolicies(gatewaySchema());
  const policyOf = (query: string) => {
    const document = parse(query);
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    return policies.policyFor(document, operation);
  };

  it('gives the sidebar the headlines’ max-age', () => {
    expect(policyOf('{ latestFeed { edges { node { headline source { name } article { title authors { name } } } } } }')).toEqual({
      maxAge: CACHE_SECONDS.headlines,
      scope: 'PUBLIC',
    });
  });

  it('gives catalogue reads the catalogue’s max-age, and a mix the shortest', () => {
    expect(policyOf('{ sources { edges { node { name } } } }')).toEqual({ maxAge: CACHE_SECONDS.catalog, scope: 'PUBLIC' });
    expect(policyOf('{ sources { totalCount } latestFeed { totalCount } }')?.maxAge).toBe(CACHE_SECONDS.headlines);
  });

  it('follows fragments and inline fragments', () => {
    const viaFragment = policyOf(`
      query { sources { edges { node { ...S } } } }
      fragment S on Source { name latestFeed { edges { node { headline } } } }`);
    expect(viaFragment?.maxAge).toBe(CACHE_SECONDS.headlines);
    expect(policyOf('{ node(id: "x") { ... on Article { title } } }')?.maxAge).toBeLessThanOrEqual(CACHE_SECONDS.headlines);
  });

  it('never caches admin data, introspection or mutations', () => {
    expect(policyOf('{ apiKeys { edges { node { id } } } }')).toBeNull();
    expect(policyOf('{ __schema { queryType { name } } }')).toBeNull();
    expect(policyOf('{ latestFeed { totalCount } __type(name: "Article") { name } }')).toBeNull();
    expect(policyOf('mutation { revokeApiKey(id: "x") { id } }')).toBeNull();
  });

  it('computes a document once', () => {
    const document = parse('{ latestFeed { totalCount } }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(policies.policyFor(document, operation)).toBe(policies.policyFor(document, operation));
  });
});
