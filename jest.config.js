/** One config for unit, database and end-to-end tests. The database is the real Postgres when
 * DATABASE_URL is set and an in-memory PGlite otherwise (see test/support/). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    // sanitize-html 2.18 and linkedom pull in htmlparser2 12, css-select and their helpers,
    // published as ES modules only.
    // Node 20 require()s them natively, jest's module loader does not: they are compiled to
    // CommonJS like our own code.
    '^.+\\.m?js$': ['@swc/jest', { swcrc: false, jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // Everything in node_modules is used as published except those ES-module-only packages, at
  // whatever depth npm installed them (sanitize-html keeps its own htmlparser2).
  transformIgnorePatterns: ['/node_modules/(?!(?:htmlparser2|domhandler|domutils|domelementtype|dom-serializer|entities|css-select|css-what|nth-check|boolbase|cssomnom|uhyphen|html-escaper)/)[^/]+/(?!.*node_modules)'],
  setupFiles: ['reflect-metadata'],
  testTimeout: 60000,
  maxWorkers: 2,
  // A worker that ran a few PGlite databases takes more than jest's default 500 ms to exit: every
  // database leaves WebAssembly memories (10 GB reservations each) that the process unmaps on its
  // way out, about 15 ms apiece on a quiet machine and several times that under load. Jest then
  // kills it and reports a leak that is not one. A worker kept alive by a real leak still is.
  workerGracefulExitTimeout: 5000,
};
// The migrated PGlite snapshot every test file restores, kept between runs (no teardown).
module.exports.globalSetup = '<rootDir>/test/support/global-setup.ts';
