import { e2eConfig } from './e2e-config';
import { buildFixtures, type FixtureOptions, type Fixtures } from './fixtures';
import { startTestApp, type TestApp } from './test-app';

export interface FixtureApp {
  /** The gateway, started before the file's first test and closed after its last. */
  readonly app: TestApp;
  /** The fixture data stored in its database, and the model of it tests compute expectations from. */
  readonly fx: Fixtures;
}

/**
 * The usual setup of a read-API test file: the real gateway with the end-to-end configuration
 * (`env` added to E2E_ENV) over a database of its own holding the fixtures. Call it in a describe
 * block; `app` and `fx` are there once the block's tests run.
 */
export function useFixtureApp(options: { env?: Record<string, string>; fixtures?: FixtureOptions } = {}): FixtureApp {
  let app: TestApp | undefined;
  let fx: Fixtures | undefined;
  beforeAll(async () => {
    app = await startTestApp(e2eConfig(options.env));
    fx = await buildFixtures(app.db, options.fixtures);
  });
  afterAll(() => app?.close());
  return {
    get app() {
      if (!app) throw new Error('the fixture app is used before its beforeAll ran');
      return app;
    },
    get fx() {
      if (!fx) throw new Error('the fixtures are used before their beforeAll ran');
      return fx;
    },
  };
}
