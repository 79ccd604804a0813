const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

/**
 * One config for unit, database and end-to-end tests, in three tiers that `npm test` (and CI)
 * runs together in one pool of workers, longest files first:
 *   unit       src/**\/*.spec.ts, no database, no server;
 *   e2e        test/**\/*.e2e-spec.ts against the real gateway in the jest process;
 *   processes  the e2e files that start other processes as well (the CLI, the gateway's own
 *              process, a browser, a Postgres cluster, Redis, jing): the slow ones.
 * `npx jest --selectProjects unit e2e` leaves the third out. The database is the real Postgres when
 * DATABASE_URL is set and an in-memory PGlite otherwise (see test/support/).
 */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    // sanitize-html 2.18 and linkedom pull in htmlparser2 12, css-select and their helpers, and
    // the example app uses get-east-asian-width, all published as ES modules only.
    // Node 20 require()s them natively, jest's module loader does not: they are compiled to
    // CommonJS like our own code.
    '^.+\\.m?js$': ['@swc/jest', { swcrc: false, jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // Everything in node_modules is used as published except those ES-module-only packages, at
  // whatever depth npm installed them (sanitize-html keeps its own htmlparser2).
  transformIgnorePatterns: ['/node_modules/(?!(?:get-east-asian-width|htmlparser2|domhandler|domutils|domelementtype|dom-serializer|entities|css-select|css-what|nth-check|boolbase|cssomnom|uhyphen|html-escaper)/)[^/]+/(?!.*node_modules)'],
  setupFiles: ['reflect-metadata'],
};

/** The tier of an e2e file is read from its imports, so a new file lands in the right one by itself. */
const STARTS_PROCESSES = /from '(?:node:)?child_process'|from '\.\.\/support\/processes'|from 'playwright-core'|PostgresCluster/;
const E2E_DIR = path.join(__dirname, 'test/e2e');
const processTests = readdirSync(E2E_DIR)
  .filter((name) => name.endsWith('.e2e-spec.ts') && STARTS_PROCESSES.test(readFileSync(path.join(E2E_DIR, name), 'utf8')))
  .map((name) => `<rootDir>/test/e2e/${name}`);

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/src', '<rootDir>/tools'], testMatch: ['**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts'], testPathIgnorePatterns: ['/node_modules/', ...processTests] },
    // A test here starts programs (each compiles its TypeScript and opens a database) and waits on
    // them: on a machine whose cores are busy that alone can take a minute, so the bound is wider.
    { ...shared, displayName: 'processes', roots: ['<rootDir>/test'], testMatch: processTests.length > 0 ? processTests : ['<rootDir>/none'], testTimeout: 180_000 },
  ],
  testTimeout: 60000,
  maxWorkers: 2,
  // A worker that ran a few PGlite databases takes more than jest's default 500 ms to exit: every
  // database leaves WebAssembly memories (10 GB reservations each) that the process unmaps on its
  // way out, about 15 ms apiece on a quiet machine and several times that under load. Jest then
  // kills it and reports a leak that is not one. A worker kept alive by a real leak still is.
  workerGracefulExitTimeout: 5000,
  // The migrated PGlite snapshot every test file restores, kept between runs (no teardown).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
