// Schema lint (`npm run schema:lint`): @graphql-eslint on the emitted SDL, schema/schema.graphql,
// and on the client operations against it. Only GraphQL files are linted here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import graphql from '@graphql-eslint/eslint-plugin';

const SCHEMA = 'schema/schema.graphql';
const OPERATIONS = 'src/client/operations/**/*.graphql';
const root = path.dirname(fileURLToPath(import.meta.url));
const languageOptions = {
  parser: graphql.parser,
  // graphql-config resolves paths from the working directory: anchor them here.
  parserOptions: { graphQLConfig: { schema: path.join(root, SCHEMA), documents: path.join(root, OPERATIONS) } },
};

/**
 * no-unreachable-types has no options. The @cacheControl directive and its CacheControlScope are
 * applied in code (src/cache/cache-hints.ts) and printSchema does not print applied
 * directives, so in the SDL they look unused; every other type must still be reachable.
 */
const APPLIED_IN_CODE = new Set(['cacheControl', 'CacheControlScope']);
const noUnreachableTypes = graphql.rules['no-unreachable-types'];
const newsgate = {
  rules: {
    'no-unreachable-types': {
      ...noUnreachableTypes,
      create(context) {
        const report = (descriptor) => {
          if (!APPLIED_IN_CODE.has(descriptor.data?.typeName)) context.report(descriptor);
        };
        // ESLint freezes the context: the rule gets an object that inherits from it instead.
        return noUnreachableTypes.create(Object.create(context, { report: { value: report } }));
      },
    },
  },
};

export default [
  {
    files: [SCHEMA],
    languageOptions,
    plugins: { '@graphql-eslint': graphql, newsgate },
    rules: {
      ...graphql.configs['flat/schema-all'].rules,
      ...graphql.configs['flat/schema-relay'].rules,
      // Every type, field, argument, input field and enum value says what it is.
      '@graphql-eslint/require-description': [
        'error',
        { types: true, rootField: true, DirectiveDefinition: true, FieldDefinition: true, InputValueDefinition: true, EnumValueDefinition: true },
      ],
      // Short, bounded lists (authors, mentions, paragraphs, aliases, feeds, admin keys) are plain
      // lists by design; every unbounded list is a connection, which the relay-* rules check.
      '@graphql-eslint/relay-edge-types': ['error', { withEdgeSuffix: true, shouldImplementNode: true, listTypeCanWrapOnlyEdgeType: false }],
      // Entities have `id: ID!` (Node types a global one). Connections, edges, payloads and the
      // value types below have no identity of their own: a new type must have an id or be listed.
      '@graphql-eslint/strict-id-in-types': [
        'error',
        {
          exceptions: {
            suffixes: ['Connection', 'Edge', 'Payload'],
            types: ['PageInfo', 'Mention', 'SourceFetchStatus', 'FeedFetchStatus', 'SourceRun', 'FeedRun', 'CreatedApiKey'],
          },
        },
      ],
      '@graphql-eslint/no-unreachable-types': 'off',
      'newsgate/no-unreachable-types': 'error',
      // The file is printed by lexicographicSortSchema + printSchema: its order is generated
      // (directives first, `id` sorted like any field), not authored.
      '@graphql-eslint/alphabetize': 'off',
      // Admin mutations (sources, partner keys) are part of the API.
      '@graphql-eslint/no-root-type': 'off',
      // Mutations on an existing object take its global `id` beside an `input` (as `node(id:)`
      // does); wrapping a lone ID in an input type would add nothing.
      '@graphql-eslint/input-name': 'off',
      // Mutation results return the changed object (or a payload holding it); clients refetch
      // anything else through `node(id:)`, so payloads carry no `query: Query` field.
      '@graphql-eslint/require-field-of-type-query-in-mutation-result': 'off',
      // Lists always return a connection (maybe empty) and lookups by key are nullable; a failed
      // mutation is an error, not a null. Making these nullable now would also break clients.
      '@graphql-eslint/require-nullable-result-in-root': 'off',
      // It wants a non-standard `deletionDate` argument on @deprecated, which printSchema drops
      // and which would fail CI on a calendar date. Deprecations carry a reason (checked above);
      // removals are dated in schema/intended-breaking-changes.json.
      '@graphql-eslint/require-deprecation-date': 'off',
    },
  },
  {
    files: [OPERATIONS],
    languageOptions,
    plugins: { '@graphql-eslint': graphql },
    rules: graphql.configs['flat/operations-recommended'].rules,
  },
];
