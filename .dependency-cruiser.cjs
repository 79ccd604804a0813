/**
 * dependency-cruiser (`npm run lint:deps`): the layers of src/ run one way, top to bottom.
 *
 *   1. composition     src/main.ts, src/cli/, src/composition/
 *   2. http            src/http/
 *   3. edge            src/edge/ (who calls, limits, guards) and syndication, src/syndication/
 *   4. api             src/api/: the assembled schema, every request loader, node(id)
 *      webhook         src/webhook/: outbound webhooks (hears the news events, delivers through
 *                      a job queue with the fetcher's address policy); the schema includes its resolvers
 *      live            src/live/: subscriptions (hear the news events, filter by the domains' lists)
 *   5. source-registry src/source-registry/: adding and changing sources (uses ingest)
 *   6. ingest          src/ingest/; seed, src/seed/
 *   7. domains         src/feed-item, src/story -> src/article -> src/source, src/person, src/api-key;
 *                      inside each: resolver/types -> service -> loaders -> repository -> record/entity
 *   8. graphql         src/graphql/: the toolkit the resolvers use (context type, relay, selection)
 *   9. cache           src/cache/
 *  10. db              src/db/; the news events, src/events/ (what ingestion added, announced
 *                      in its transactions and heard through LISTEN), on db/ alone. db/ takes what
 *                      it needs of the layers above from its caller (the TypeORM entities, listed
 *                      for the migration generator in tools/migrations/entities.ts)
 *  11. ground floor    src/text/, src/common/, src/config/, src/metrics/
 *
 * An import may only point down this list or stay inside its module. Type-only imports count
 * (tsPreCompilationDeps): a type that points up ties the layers as surely as a value does, and
 * makes the next value import look harmless. Tooling that is not the runtime lives in tools/.
 */

const GROUND = '^src/(text|common|config|metrics)/';
const DOMAIN = '^src/(article|source|person|feed-item|story|api-key)/';
/** The domain files that belong to the GraphQL layer although they sit in the domain folder. */
const GRAPHQL_ROLE = '^src/(article|source|person|feed-item|story|api-key)/.*\\.(resolver|types|graphql|json-sql|page)\\.ts$';
/** The domain files above repositories and records: what runs a request rather than holds data. */
const DOMAIN_UPPER_ROLE = '^src/(article|source|person|feed-item|story|api-key)/.*\\.(service|loaders|resolver|types|graphql|json-sql|page)\\.ts$';
const COMPOSITION = '^src/(main\\.ts$|services\\.ts$|cli/|composition/)';
/** Unit tests sit beside the code they test and may reach any layer to set it up (circles still count). */
const SPEC = '\\.spec\\.ts$';
/** The request context is the one GraphQL-side type services take (first argument), wherever it lives. */
const REQUEST_CONTEXT = '(^|/)request-context\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'api-not-from-below',
      severity: 'error',
      comment:
        'src/api assembles the schema and the request loaders from every domain: it sits above them, ' +
        'and nothing below (domains, the GraphQL toolkit, ingest, seed, cache, db, the ground floor) imports it.',
      from: { path: '^src/(article|source|person|feed-item|story|api-key|source-registry|webhook|live|graphql|cache|ingest|seed|db|events|text|common|config|metrics)/', pathNot: SPEC },
      to: { path: '^src/api/' },
    },
    {
      name: 'webhook-not-from-below',
      severity: 'error',
      comment:
        'Outbound webhooks consume the news events, the domains and the fetcher: the API assembles ' +
        'their resolvers, and nothing below it imports them.',
      from: { path: '^src/(article|source|person|feed-item|story|api-key|source-registry|graphql|cache|ingest|seed|db|events|text|common|config|metrics)/', pathNot: SPEC },
      to: { path: '^src/webhook/' },
    },
    {
      name: 'live-not-from-below',
      severity: 'error',
      comment:
        'Subscriptions (src/live) consume the news events and the domains\' lists: the API and the ' +
        'HTTP path assemble them, and nothing below them imports them.',
      from: { path: '^src/(article|source|person|feed-item|story|api-key|source-registry|graphql|cache|ingest|seed|db|events|text|common|config|metrics)/', pathNot: SPEC },
      to: { path: '^src/live/' },
    },
    {
      name: 'source-registry-not-from-below',
      severity: 'error',
      comment:
        'The source registry (adding sources, OPML, discovery) uses ingest to try a feed: ingest, ' +
        'the domains and everything below them never import it.',
      from: { path: '^src/(article|source|person|feed-item|story|api-key|graphql|cache|ingest|seed|db|text|common|config|metrics)/', pathNot: SPEC },
      to: { path: '^src/source-registry/' },
    },
    {
      name: 'graphql-toolkit-imports-no-domain',
      severity: 'error',
      comment:
        'src/graphql is the toolkit the resolvers build on (context type, relay, selection, ' +
        'authorization, errors): it knows no domain, so every domain can use it.',
      from: { path: '^src/graphql/', pathNot: SPEC },
      to: { path: DOMAIN },
    },
    {
      name: 'domains-in-order',
      severity: 'error',
      comment:
        'Feed items point at articles, articles at sources and people: a relation field lives with ' +
        'the module it returns (Source.articles in src/article), so the lower domain never imports the higher.',
      from: { path: '^src/(article|source|person|api-key)/', pathNot: SPEC },
      to: { path: '^src/feed-item/' },
    },
    {
      name: 'stories-above-articles',
      severity: 'error',
      comment:
        'Stories group articles: Article.story, Article.canonical and Story.articles live in src/story, ' +
        'and articles, sources, people, API keys and feed items never import it.',
      from: { path: '^src/(article|source|person|api-key|feed-item)/', pathNot: SPEC },
      to: { path: '^src/story/' },
    },
    {
      name: 'articles-above-sources-and-people',
      severity: 'error',
      comment: 'Articles refer to their source and people; sources, people and API keys never import articles.',
      from: { path: '^src/(source|person|api-key)/', pathNot: SPEC },
      to: { path: '^src/article/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import circles, type-only imports included: a circle makes module load order matter ' +
        '(undefined classes in decorators, half-initialised exports) and means two modules are one.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'composition-imported-by-composition-only',
      severity: 'error',
      comment:
        'main.ts, the CLI and the composition root build everything; nothing they build may know ' +
        'them (a service that imports the composition root imports the whole program, circles included).',
      from: { path: '^src/', pathNot: [COMPOSITION, SPEC] },
      to: { path: COMPOSITION },
    },
    {
      name: 'no-tools-from-src',
      severity: 'error',
      comment: 'tools/ (schema emit/check, migration generate/run) is build tooling: the runtime never loads it.',
      from: { path: '^src/' },
      to: { path: '^tools/' },
    },
    {
      name: 'no-tests-from-src',
      severity: 'error',
      comment: 'The runtime never loads test support, benchmarks or examples (unit tests beside it may).',
      from: { path: '^src/', pathNot: SPEC },
      to: { path: '^(test|bench|examples)/' },
    },
    {
      name: 'http-not-from-below',
      severity: 'error',
      comment: 'src/http/ is the outermost layer below composition: only composition mounts it.',
      from: { path: '^src/', pathNot: `${COMPOSITION}|^src/http/|${SPEC}` },
      to: { path: '^src/http/' },
    },
    {
      name: 'edge-and-syndication-not-from-below',
      severity: 'error',
      comment:
        'edge/ (callers, limits, guards) and syndication/ (the outgoing feeds) sit above graphql/, ' +
        'cache/ and the domains, which must work without them; only http/ and composition wire them in.',
      from: { path: '^src/', pathNot: `${COMPOSITION}|^src/(http|edge|syndication)/|${SPEC}` },
      to: { path: '^src/(edge|syndication)/' },
    },
    {
      name: 'graphql-not-from-below',
      severity: 'error',
      comment:
        'graphql/ and the domains\' resolvers and GraphQL types are the API layer: cache/, the ' +
        'domains\' services, loaders, repositories and entities, ingest, seed, db and the ground floor ' +
        'must not depend on them (services take the request context, and only that type).',
      from: { path: '^src/(cache|ingest|seed|db|text|common|config|metrics)/|' + DOMAIN, pathNot: [GRAPHQL_ROLE, SPEC] },
      to: { path: `^src/graphql/|${GRAPHQL_ROLE}`, pathNot: REQUEST_CONTEXT },
    },
    {
      name: 'cache-not-from-below',
      severity: 'error',
      comment:
        'cache/ (cache hints, the response cache, invalidation, Redis) serves the API layer; ' +
        'the domains\' logic, ingest, db and the ground floor run without it.',
      from: { path: '^src/(ingest|seed|db|text|common|config|metrics)/|' + DOMAIN, pathNot: [GRAPHQL_ROLE, SPEC] },
      to: { path: '^src/cache/' },
    },
    {
      name: 'repository-imports-no-upper-role',
      severity: 'error',
      comment:
        'Repositories take plain arguments and page requests and return plain records: they never ' +
        'import services, loaders, resolvers, GraphQL types, graphql/ or relay.',
      from: { path: '\\.repository\\.ts$', pathNot: SPEC },
      to: { path: '\\.(service|loaders|resolver|types|graphql|json-sql|page)\\.ts$|^src/graphql/' },
    },
    {
      name: 'loaders-import-no-upper-role',
      severity: 'error',
      comment: 'Loaders batch repository reads for services; they never call services or resolvers.',
      from: { path: '\\.loaders\\.ts$', pathNot: SPEC },
      to: { path: '\\.(service|resolver)\\.ts$' },
    },
    {
      name: 'service-imports-no-resolver',
      severity: 'error',
      comment: 'Resolvers call services, never the other way round.',
      from: { path: '\\.service\\.ts$', pathNot: SPEC },
      to: { path: '\\.resolver\\.ts$' },
    },
    {
      name: 'entity-imports-entities-only',
      severity: 'error',
      comment:
        'Entities are the tables: they may refer to other entities (relations) and the ground ' +
        'floor, nothing with behaviour.',
      from: { path: '\\.entity\\.ts$', pathNot: SPEC },
      to: { path: '\\.(repository|service|loaders|resolver|types|graphql)\\.ts$|^src/(db|ingest|seed)/' },
    },
    {
      name: 'ingest-uses-domain-data-only',
      severity: 'error',
      comment:
        'Domains sit above ingest: ingest may use domain repositories, records and entities, never ' +
        'their services, loaders, resolvers or GraphQL types (db/ and the ground floor use none, see below).',
      from: { path: '^src/ingest/', pathNot: SPEC },
      to: { path: DOMAIN_UPPER_ROLE },
    },
    {
      name: 'domains-import-no-outer-layer',
      severity: 'error',
      comment:
        'Domains never import http, cli, seed, edge, syndication or the composition root: they are ' +
        'used by those, and run under any of them (the API, the CLI, a worker).',
      from: { path: DOMAIN, pathNot: SPEC },
      to: { path: `${COMPOSITION}|^src/(http|seed|edge|syndication)/` },
    },
    {
      name: 'ingest-imports-no-outer-layer',
      severity: 'error',
      comment:
        'Ingest (fetch, parse, process, store) runs in the API process, in a worker and in the CLI: ' +
        'it may use domain repositories, db/ and the ground floor, nothing of the API or its callers.',
      from: { path: '^src/ingest/', pathNot: SPEC },
      to: { path: `${COMPOSITION}|^src/(graphql|http|edge|cache|syndication|seed)/` },
    },
    {
      name: 'seed-imported-by-composition-only',
      severity: 'error',
      comment: 'Demo data is loaded by a command (and at start on an empty embedded database), by nothing else.',
      from: { path: '^src/', pathNot: `${COMPOSITION}|^src/seed/|${SPEC}` },
      to: { path: '^src/seed/' },
    },
    {
      name: 'seed-imports-no-outer-layer',
      severity: 'error',
      comment: 'Seeding writes through domains, ingest and db; it never goes through the API.',
      from: { path: '^src/seed/', pathNot: SPEC },
      to: { path: `${COMPOSITION}|^src/(graphql|http|edge|cache|syndication)/` },
    },
    {
      name: 'db-imports-ground-floor-only',
      severity: 'error',
      comment:
        'db/ (data source, SQL executor, transactions, embedded database) is infrastructure: it ' +
        'imports only the ground floor, with no exception. What it needs of a layer above it is ' +
        'handed in by the caller: the TypeORM entities, which live in the domains, reach the data ' +
        'source through openDatabase\'s options from the migration generator (tools/migrations/entities.ts).',
      from: { path: '^src/db/', pathNot: SPEC },
      to: { path: '^src/', pathNot: `^src/db/|${GROUND}` },
    },
    {
      name: 'events-on-db-only',
      severity: 'error',
      comment:
        'src/events (the news events: the log ingestion writes in its transactions, LISTEN/NOTIFY) ' +
        'sits with db/: the ingest store and domain repositories announce through it, the API and ' +
        'webhooks listen to it, so it imports only db/ and the ground floor.',
      from: { path: '^src/events/', pathNot: SPEC },
      to: { path: '^src/', pathNot: `^src/(events|db)/|${GROUND}` },
    },
    {
      name: 'ground-floor-imports-nothing-above',
      severity: 'error',
      comment:
        'text/, common/, config/ and metrics/ are used by every layer and import none: a shared ' +
        'type they need moves down to them (metrics does not import ingest\'s types).',
      from: { path: GROUND, pathNot: SPEC },
      to: { path: '^src/', pathNot: GROUND },
    },
    {
      name: 'client-is-standalone',
      severity: 'error',
      comment:
        'src/client is published on its own (package.json "exports": ./client): pulling server ' +
        'code into it would ship the gateway to every client.',
      from: { path: '^src/client/', pathNot: SPEC },
      to: { path: '^src/', pathNot: '^src/client/' },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment:
        'The runtime (src/ outside tests) runs on the production install (the image prunes ' +
        'devDependencies after the build): a value import of one breaks there. Type-only imports are erased.',
      from: { path: '^src/', pathNot: [SPEC, '/testing/'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve fails at run time.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|node_modules|bench/peers)/|^(src/client|test/support)/generated/' },
    // Type-only imports are edges too: circles and upward imports through types count.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.eslint.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
