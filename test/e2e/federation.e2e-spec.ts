import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { useFixtureApp } from '../support/fixture-app';
import { TestRouter } from '../support/federation-router';
import { admin, ADMIN_TOKEN, countingSql, startExtraGateway } from '../support/syndication';
import { codes, expectNoLeak, ok } from './helpers';

/**
 * The gateway as an Apollo Federation 2 subgraph: `_service { sdl }` gives schema/subgraph.graphql,
 * which composes (Apollo's composition) with a second subgraph of a company's own types, and
 * operations on the supergraph, planned by Apollo's query planner, are answered across both over
 * HTTP (test/support/federation-router.ts): a company's subgraph references our sources and
 * articles by global id, and ours answers `_entities` for them, batched through the node loaders.
 */
describe('federation subgraph', () => {
  const suite = useFixtureApp({ fixtures: { articles: 30, feedItems: 30 } });
  let companies: { url: string; stop(): Promise<void> };
  let router: TestRouter;

  const SUBGRAPH_SDL = readFileSync(path.resolve(__dirname, '../../schema/subgraph.graphql'), 'utf8');

  /**
   * A company's own subgraph: companies own news outlets (`Source`, ours, referenced by its global
   * id) and follow stories (`Article`s); and it adds `owner` to our `Source`, so a query can go
   * either way. It has Relay's PageInfo too, shareable as ours is.
   */
  const COMPANIES_SDL = `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key", "@shareable"])

    type Company @key(fields: "id") {
      id: ID!
      name: String!
      newsSource: Source
      coverage: [Article!]!
    }

    type Source @key(fields: "id") {
      id: ID!
      owner: Company
    }

    type Article @key(fields: "id", resolvable: false) {
      id: ID!
    }

    type PageInfo @shareable {
      hasNextPage: Boolean!
      hasPreviousPage: Boolean!
      startCursor: String
      endCursor: String
    }

    type CompanyPage {
      companies: [Company!]!
      pageInfo: PageInfo!
    }

    type Query {
      companies: CompanyPage!
    }
  `;

  interface Company {
    id: string;
    name: string;
    sourceId: string;
    articleIds: string[];
  }
  let companyList: Company[];

  beforeAll(async () => {
    const { sources, articles } = suite.fx;
    companyList = sources.map((source, index) => ({
      id: `company-${index}`,
      name: `Holding ${index}`,
      sourceId: source.id,
      articleIds: articles.filter((article) => article.sourceId === source.dbId).slice(0, 2).map((article) => article.id),
    }));
    const companyById = new Map(companyList.map((company) => [company.id, company]));
    const resolvers = {
      Query: {
        companies: () => ({ companies: companyList, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } }),
      },
      Company: {
        __resolveReference: (reference: { id: string }) => companyById.get(reference.id) ?? null,
        newsSource: (company: Company) => ({ __typename: 'Source', id: company.sourceId }),
        coverage: (company: Company) => company.articleIds.map((id) => ({ __typename: 'Article', id })),
      },
      Source: {
        owner: (source: { id: string }) => companyList.find((company) => company.sourceId === source.id) ?? null,
      },
    };
    const server = new ApolloServer({
      schema: buildSubgraphSchema({ typeDefs: parse(COMPANIES_SDL), resolvers }),
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
    companies = { url, stop: () => server.stop() };
    const sdl = ok(await suite.app.gql<{ _service: { sdl: string } }>('{ _service { sdl } }'))._service.sdl;
    router = new TestRouter([
      { name: 'newsgate', url: `${suite.app.url}/graphql`, sdl },
      { name: 'companies', url: companies.url, sdl: COMPANIES_SDL },
    ]);
  });
  afterAll(() => companies?.stop());

  it('answers _service { sdl } with the committed schema/subgraph.graphql, keys on every Node type', async () => {
    const { _service } = ok(await suite.app.gql<{ _service: { sdl: string } }>('{ _service { sdl } }'));
    expect(_service.sdl).toBe(SUBGRAPH_SDL);
    for (const type of ['Article', 'Source', 'Person', 'FeedItem']) {
      expect(_service.sdl).toMatch(new RegExp(`^type ${type} implements Node @key\\(fields: "id"\\) \\{`, 'm'));
    }
    expect(_service.sdl).toMatch(/^extend schema @link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.0"/);
    // The subgraph specification leaves its own plumbing out of the SDL, and so does the clients' schema.
    expect(_service.sdl).not.toMatch(/_entities|_service|_Any|_Entity/);
    expect(readFileSync(path.resolve(__dirname, '../../schema/schema.graphql'), 'utf8')).not.toMatch(/_entities|_service|_Any|_Entity|@key/);
  });

  it('composes with a second subgraph into a supergraph that joins our types to its own', () => {
    expect(router.supergraphSdl).toMatch(/type Company\b/);
    expect(router.supergraphSdl).toMatch(/join__graph\(name: "newsgate"/);
    // Our Source gets the company's `owner` field in the supergraph.
    const source = /type Source[^{]*\{([^}]*)\}/.exec(router.supergraphSdl)![1]!;
    expect(source).toMatch(/owner: Company/);
    expect(source).toMatch(/latestFeed\(/);
  });

  it('resolves our sources and articles inside the company subgraph’s answer, through _entities', async () => {
    const query = `{
      companies {
        pageInfo { hasNextPage }
        companies {
          name
          newsSource { name slug latestFeed(first: 2) { totalCount edges { node { headline } } } }
          coverage { title source { name } authors { name } }
        }
      }
    }`;
    const response = await router.execute(query);
    expect(response.errors).toEqual([]);
    // The planner asked the company's subgraph first, then ours for the references (a fetch per
    // path, sources and articles in parallel), each fetch one `_entities` over all of its references.
    const [first, ...rest] = response.fetches;
    expect(first!.subgraph).toBe('companies');
    expect(rest.length).toBeGreaterThan(0);
    for (const fetched of rest) {
      expect(fetched.subgraph).toBe('newsgate');
      expect(fetched.operation).toMatch(/_entities\(representations: ?\$representations\)/);
    }
    expect(rest.flatMap((f) => f.representations ?? [])).toHaveLength(suite.fx.sources.length + companyList.flatMap((c) => c.articleIds).length);

    const { sources, articles, feedItems } = suite.fx;
    const result = (response.data.companies as { companies: any[] }).companies;
    expect(result).toHaveLength(sources.length);
    result.forEach((company, index) => {
      const source = sources[index]!;
      expect(company.name).toBe(`Holding ${index}`);
      expect(company.newsSource).toMatchObject({ name: source.name, slug: source.slug });
      expect(company.newsSource.latestFeed.totalCount).toBe(feedItems.filter((item) => item.sourceId === source.dbId).length);
      const covered = companyList[index]!.articleIds.map((id) => articles.find((article) => article.id === id)!);
      expect(company.coverage.map((article: any) => article.title)).toEqual(covered.map((article) => article.title));
      for (const article of company.coverage) expect(article.source.name).toBe(source.name);
    });
  });

  it('resolves the company subgraph’s field on our Source, the other way round', async () => {
    const response = await router.execute('{ sources(first: 10) { edges { node { name owner { name } } } } }');
    expect(response.errors).toEqual([]);
    expect(response.fetches.map((f) => f.subgraph)).toEqual(['newsgate', 'companies']);
    const edges = (response.data.sources as { edges: Array<{ node: { id: string; name: string; owner: { name: string } | null } }> }).edges;
    expect(edges).toHaveLength(suite.fx.sources.length);
    for (const { node } of edges) {
      const owner = companyList.find((company) => company.sourceId === node.id)!;
      expect(node.owner).toEqual({ name: owner.name });
    }
  });

  const ENTITIES = `query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on Article { id title }
      ... on Source { id name }
      ... on Person { id name }
      ... on FeedItem { id headline }
    }
  }`;

  it('answers _entities in order, with one statement per type however many references', async () => {
    const { articles, sources, people, feedItems } = suite.fx;
    const representations = [
      ...articles.slice(0, 10).map((a) => ({ __typename: 'Article', id: a.id })),
      ...sources.map((s) => ({ __typename: 'Source', id: s.id })),
      ...people.map((p) => ({ __typename: 'Person', id: p.id })),
      ...feedItems.slice(0, 10).map((f) => ({ __typename: 'FeedItem', id: f.id })),
    ];
    const { statements, result } = await countingSql(() => suite.app.gql(ENTITIES, { representations }));
    const { _entities } = ok(result);
    expect(_entities).toEqual([
      ...articles.slice(0, 10).map((a) => ({ __typename: 'Article', id: a.id, title: a.title })),
      ...sources.map((s) => ({ __typename: 'Source', id: s.id, name: s.name })),
      ...people.map((p) => ({ __typename: 'Person', id: p.id, name: p.name })),
      ...feedItems.slice(0, 10).map((f) => ({ __typename: 'FeedItem', id: f.id, headline: f.headline })),
    ]);
    // One loader batch per type: an N+1 would be 26 statements here.
    expect(statements).toBeLessThanOrEqual(4);
  });

  it('gives null for an entity that is gone and an error for a bad reference, each in its place', async () => {
    const gone = Buffer.from('Source:00000000-0000-4000-8000-000000000000').toString('base64');
    const source = suite.fx.sources[0]!;
    const person = suite.fx.people[0]!;
    const res = await suite.app.gql(ENTITIES, {
      representations: [
        { __typename: 'Source', id: source.id },
        { __typename: 'Source', id: gone },
        { __typename: 'Article', id: person.id },
        { __typename: 'Company', id: 'x' },
        { __typename: 'Source', id: 'not-an-id' },
        { __typename: 'Source' },
        'text',
      ],
    });
    expect(res.status).toBe(200);
    expect(res.data!._entities).toEqual([{ __typename: 'Source', id: source.id, name: source.name }, null, null, null, null, null, null]);
    expect(res.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['_entities', 2], 'BAD_USER_INPUT'],
      [['_entities', 3], 'BAD_USER_INPUT'],
      [['_entities', 4], 'BAD_USER_INPUT'],
      [['_entities', 5], 'BAD_USER_INPUT'],
      [['_entities', 6], 'BAD_USER_INPUT'],
    ]);
    expect(res.errors![0]!.message).toMatch(/"representations\[2\]\.id" must be the ID of a Article, not of a Person/);
    expectNoLeak(res.raw);
  });

  it('refuses more than 100 representations before anything runs', async () => {
    const representations = Array.from({ length: 101 }, () => ({ __typename: 'Source', id: suite.fx.sources[0]!.id }));
    const { statements, result } = await countingSql(() => suite.app.gql(ENTITIES, { representations }));
    expect(result.status).toBe(400);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions).toMatchObject({ maxItems: 100, field: 'Query._entities' });
    expect(statements).toBe(0);
  });

  it('is left to Apollo by the compiled read path, however often it is sent', async () => {
    // The suite compiles what it can from the first request (GRAPHQL_COMPILE_AFTER=1): a compiled
    // answer would be one statement, Apollo's loaders read articles, then their sources.
    const query = 'query Refs($r: [_Any!]!) { _entities(representations: $r) { ... on Article { title source { name } } } }';
    const r = suite.fx.articles.slice(0, 3).map((a) => ({ __typename: 'Article', id: a.id }));
    const first = await countingSql(() => suite.app.gql(query, { r }));
    const second = await countingSql(() => suite.app.gql(query, { r }));
    ok(first.result);
    expect(second.result.raw).toBe(first.result.raw);
    expect(first.statements).toBe(2);
    expect(second.statements).toBe(2);
  });

  it('gives the SDL only to admins while introspection is off', async () => {
    const closed = await startExtraGateway(suite.app, { introspection: false, adminToken: ADMIN_TOKEN });
    try {
      const post = (headers: Record<string, string>) =>
        fetch(`${closed.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ _service { sdl } }' }) }).then(
          async (r) => (await r.json()) as { data: { _service: { sdl: string } } | null; errors?: Array<{ extensions: { code: string } }> },
        );
      const anonymous = await post({});
      expect(anonymous.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
      const asAdmin = await post(admin);
      expect(asAdmin.errors).toBeUndefined();
      expect(asAdmin.data!._service.sdl).toBe(SUBGRAPH_SDL);
      // Entities are public data, like node(id:): a router needs no credentials for them.
      const entities = await fetch(`${closed.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: ENTITIES, variables: { representations: [{ __typename: 'Source', id: suite.fx.sources[0]!.id }] } }),
      }).then((r) => r.json() as Promise<{ data: { _entities: Array<{ name: string }> } }>);
      expect(entities.data._entities[0]!.name).toBe(suite.fx.sources[0]!.name);
    } finally {
      await closed.close();
    }
  });
});
