/** One config for unit, database and end-to-end tests. The database is the real Postgres when
 * DATABASE_URL is set and an in-memory PGlite otherwise (see test/support/). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['reflect-metadata'],
  testTimeout: 60000,
  maxWorkers: 2,
};
module.exports.globalSetup = '<rootDir>/test/support/global-setup.ts';
module.exports.globalTeardown = '<rootDir>/test/support/global-teardown.ts';
