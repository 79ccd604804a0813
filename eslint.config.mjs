// ESLint for newsgate, one flat config for two jobs:
// - the TypeScript in src, test, bench, examples and tools: typescript-eslint's type-aware
//   recommended rules (`npm run lint`);
// - the GraphQL (`npm run schema:lint`, also part of `npm run lint`): @graphql-eslint on the emitted
//   SDL, schema/schema.graphql, and on the client operations against it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import graphql from '@graphql-eslint/eslint-plugin';
import tseslint from 'typescript-eslint';

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

const TYPESCRIPT = ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts', 'tools/**/*.ts', 'migrations/**/*.ts'];

/**
 * The type-aware recommended set: it catches what tsc lets through and bites at run time here
 * (floating promises in a server that must not crash on an unhandled rejection, `any` leaking out
 * of JSON, driver rows and GraphQL variables, awaits of non-promises, template strings with
 * objects). The choices below are the house style, each with its reason.
 */
const typescriptRules = {
  // `_name` marks a parameter kept for its position (express error handlers, TypeORM migrations'
  // `down`) and a rest sibling that drops a key from a copy.
  '@typescript-eslint/no-unused-vars': [
    'error',
    { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
  ],
  // Numbers and bigints print fine in messages and SQL names; objects do not (checked still).
  '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: false }],
  // express, node:http and commander take callbacks whose promise nobody awaits: a handler that
  // returns one is fine as long as it handles its own errors (no-floating-promises checks the rest).
  '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
  // type-graphql and TypeORM are built on classes with decorators only; empty classes are how an
  // `@InputType()` extends another.
  '@typescript-eslint/no-extraneous-class': 'off',
  // `import type` wherever only types cross a module: the dependency graph then says what is a
  // run-time edge (dependency-cruiser counts both, circles included).
  '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
  // Apollo plugins' hooks and our own ports (ChangeSignals, close()) are promise-returning by
  // contract; an `async` method that happens not to await is how a synchronous one keeps it.
  '@typescript-eslint/require-await': 'off',
  // The code writes `rows[0]!` where an index is known to exist, as if noUncheckedIndexedAccess
  // were on; without that flag this rule calls every such `!` unnecessary, so it says nothing here.
  '@typescript-eslint/no-unnecessary-type-assertion': 'off',
};

/**
 * Test files read untyped JSON answers (`res.body.data.article.title`) and reach into mocks: the
 * assertion that follows is the check, and typing every answer first would add nothing to it.
 * Test support code (test/support) stays under the full rules: it is shared like src.
 */
const specRules = {
  '@typescript-eslint/no-explicit-any': 'off',
  '@typescript-eslint/no-unsafe-assignment': 'off',
  '@typescript-eslint/no-unsafe-member-access': 'off',
  '@typescript-eslint/no-unsafe-call': 'off',
  '@typescript-eslint/no-unsafe-return': 'off',
  '@typescript-eslint/no-unsafe-argument': 'off',
  // expect(service.method).toHaveBeenCalled() passes methods around without calling them.
  '@typescript-eslint/unbound-method': 'off',
};

export default [
  {
    // Generated code, build output, the JavaScript we do not type, and the benchmark's peers
    // (packages of their own, on their own runtime).
    ignores: ['bench/peers/**', 'dist/**', 'coverage/**', 'node_modules/**', 'src/client/generated/**', 'test/support/generated/**', 'data/**', 'test-output/**'],
  },
  ...tseslint.config({
    files: TYPESCRIPT,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // tsconfig.eslint.json: tsconfig.json (src, migrations, test, bench, examples) plus tools/.
        project: path.join(root, 'tsconfig.eslint.json'),
        tsconfigRootDir: root,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: typescriptRules,
  }),
  { files: ['**/*.spec.ts', '**/*.e2e-spec.ts'], rules: specRules },
  // The helpers hand tests their answers untyped by default (`gql<T = Record<string, any>>`), so
  // that a test reads them as the spec files above do; inside, the rules hold.
  { files: ['test/support/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    // Jest's own config and the few CommonJS scripts: syntax only, no types.
    files: ['**/*.js', '**/*.cjs'],
    ignores: ['dist/**', 'node_modules/**'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
  },
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
            types: ['PageInfo', 'Mention', 'SourceFetchStatus', 'FeedFetchStatus', 'SourceRun', 'FeedRun', 'CreatedApiKey', 'ArticleProvenance', 'ArticleRevision', 'StoryLink', 'SavedFeedFilter', 'CreatedWebhook', 'WebhookFilter'],
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
