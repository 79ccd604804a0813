import 'reflect-metadata';
import { parse } from 'graphql';
import { gatewaySchema } from '../api/schema';
import { documentCost, QUERY_COST } from './query-cost';

const S = QUERY_COST.statement;

function cost(query: string, variables?: Record<string, unknown>): number {
  return documentCost(gatewaySchema(), parse(query), variables)!;
}

describe('operation cost', () => {
  it('charges a relation one statement plus its rows, and 15 aliases of a field 15 times the field', () => {
    const one = cost('{ article(slug: "a") { title source { name } } }');
    const fifteen = cost(`{ ${Array.from({ length: 15 }, (_, i) => `a${i}: article(slug: "a") { title source { name } }`).join(' ')} }`);
    expect(one).toBe(2 * (S + 1));
    expect(fifteen).toBe(15 * one);
  });

  it('multiplies rows, never statements, by a connection’s page size (capped at 100, default 20, variables’ defaults too)', () => {
    expect(cost('{ latestFeed(first: 10) { edges { node { headline source { name } } } } }')).toBe(S + 10 + (S + 10));
    expect(cost('{ latestFeed { edges { node { headline } } } }')).toBe(S + 20);
    expect(cost('query Q($n: Int) { latestFeed(first: $n) { edges { node { headline } } } }', { n: 5000 })).toBe(S + 100);
    expect(cost('query Q($n: Int = 7) { latestFeed(first: $n) { edges { node { headline } } } }')).toBe(S + 7);
    // totalCount is a count statement; pageInfo and cursors come with the page.
    expect(cost('{ latestFeed(last: 3) { pageInfo { hasNextPage } totalCount edges { cursor node { id } } } }')).toBe(S + 3 + S);
  });

  it('counts a plain list by its expected length, and nested pages multiply their rows', () => {
    const authors = QUERY_COST.listItems['Article.authors']!;
    expect(cost('{ articles(first: 50) { edges { node { authors { name } } } } }')).toBe(S + 50 + (S + 50 * authors));
    expect(cost('{ latestFeed(first: 100) { edges { node { article { authors { articles(first: 100) { edges { node { title } } } } } } } } }')).toBe(
      S + 100 + (S + 100) + (S + 100 * authors) + (S + 100 * authors * 100),
    );
  });

  it('counts fragments and inline fragments as the fields they stand for', () => {
    const direct = cost('{ latestFeed(first: 2) { edges { node { source { name } } } } }');
    expect(cost('{ latestFeed(first: 2) { ...F } } fragment F on FeedItemConnection { edges { node { source { name } } } }')).toBe(direct);
    expect(cost('{ node(id: "x") { ... on Article { source { name } } } }')).toBe(2 * (S + 1));
  });

  it('charges federation’s _entities what it selects once per representation', () => {
    const selection = '{ ... on Article { title source { name } } ... on Source { name } }';
    expect(cost(`{ _entities(representations: [{ __typename: "Article", id: "a" }, { __typename: "Source", id: "b" }, { __typename: "Source", id: "c" }]) ${selection} }`)).toBe(S + 3 + (S + 3));
    const representations = Array.from({ length: 40 }, (_, i) => ({ __typename: 'Source', id: String(i) }));
    expect(cost(`query Q($r: [_Any!]!) { _entities(representations: $r) ${selection} }`, { r: representations })).toBe(S + 40 + (S + 40));
  });

  it('charges nothing for introspection, and never less than 1', () => {
    expect(cost('{ __typename }')).toBe(1);
    expect(cost('{ __schema { types { name fields { name } } } }')).toBe(1);
  });

  it('names the operation to price in a document of several', () => {
    const document = parse('query A { latestFeed(first: 1) { edges { node { id } } } } query B { latestFeed(first: 2) { edges { node { id } } } }');
    expect(documentCost(gatewaySchema(), document, {}, 'B')).toBe(S + 2);
    expect(documentCost(gatewaySchema(), document, {}, 'C')).toBeNull();
  });
});
