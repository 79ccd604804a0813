import 'reflect-metadata';
import { getOperationAST, Kind, parse, type FragmentDefinitionNode } from 'graphql';
import { gatewaySchema } from '../api/schema';
import { operationCost } from './query-cost';

function cost(query: string, variables?: Record<string, unknown>): number {
  const document = parse(query);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return operationCost(gatewaySchema(), getOperationAST(document)!, fragments, variables);
}

describe('operation cost', () => {
  it('charges 15 aliases of a field 15 times the field', () => {
    const one = cost('{ article(slug: "a") { title source { name } } }');
    const fifteen = cost(`{ ${Array.from({ length: 15 }, (_, i) => `a${i}: article(slug: "a") { title source { name } }`).join(' ')} }`);
    expect(one).toBe(2);
    expect(fifteen).toBe(15 * one);
  });

  it('multiplies what a connection selects by its page size, capped at 100, default 20', () => {
    expect(cost('{ latestFeed(first: 10) { edges { node { headline source { name } } } } }')).toBe(1 + 10 * 2);
    expect(cost('{ latestFeed { edges { node { headline } } } }')).toBe(1 + 20);
    expect(cost('query Q($n: Int) { latestFeed(first: $n) { edges { node { headline } } } }', { n: 5000 })).toBe(1 + 100);
    expect(cost('{ latestFeed(last: 3) { pageInfo { hasNextPage } totalCount edges { cursor node { id } } } }')).toBe(1 + 3);
  });

  it('counts fragments and inline fragments as the fields they stand for', () => {
    const direct = cost('{ latestFeed(first: 2) { edges { node { source { name } } } } }');
    expect(cost('{ latestFeed(first: 2) { ...F } } fragment F on FeedItemConnection { edges { node { source { name } } } }')).toBe(direct);
    expect(cost('{ node(id: "x") { ... on Article { source { name } } } }')).toBe(2);
  });

  it('charges federation\'s _entities what it selects once per representation', () => {
    // 1 for each entity, and 1 for the source an Article selects (fragments on a union add up).
    const selection = '{ ... on Article { title source { name } } ... on Source { name } }';
    expect(cost(`{ _entities(representations: [{ __typename: "Article", id: "a" }, { __typename: "Source", id: "b" }, { __typename: "Source", id: "c" }]) ${selection} }`)).toBe(3 * (1 + 1));
    const representations = Array.from({ length: 40 }, (_, i) => ({ __typename: 'Source', id: String(i) }));
    expect(cost(`query Q($r: [_Any!]!) { _entities(representations: $r) ${selection} }`, { r: representations })).toBe(40 * (1 + 1));
  });

  it('never charges less than 1', () => {
    expect(cost('{ __typename }')).toBe(1);
  });
});
