import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('has defaults that start the embedded gateway on port 4000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeNull();
    expect(config.dataDir).toBe(path.resolve('data'));
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).databaseUrl).toBeNull();
  });

  it('refuses bad values with a message naming every bad variable, never echoing secrets', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://root:hunter2@db/x', ADMIN_TOKEN: 'short-secret' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/eighty/);
    expect(message).toMatch(/DATABASE_URL must be a postgres/);
    expect(message).toMatch(/ADMIN_TOKEN/);
    expect(message).not.toMatch(/hunter2|short-secret/);
  });

  it('opens the explorers and introspection in development and closes them in production unless asked', () => {
    const development = loadConfig({});
    expect([development.introspection, development.landingPage, development.graphiql, development.production]).toEqual([true, true, true, false]);
    const production = loadConfig({ NODE_ENV: 'production' });
    expect([production.introspection, production.landingPage, production.graphiql, production.production]).toEqual([false, false, false, true]);
    const asked = loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true', GRAPHIQL: 'yes' });
    expect([asked.introspection, asked.landingPage, asked.graphiql]).toEqual([true, false, true]);
    expect(loadConfig({ GRAPHQL_LANDING_PAGE: 'off' }).landingPage).toBe(false);
  });

  it('keeps /metrics on by default and never echoes its token', () => {
    expect(loadConfig({}).metrics).toEqual({ enabled: true, token: null });
    expect(() => loadConfig({ METRICS_TOKEN: 'tiny' })).toThrow(/METRICS_TOKEN must be at least 16/);
    expect(() => loadConfig({ METRICS_TOKEN: 'tiny' })).not.toThrow(/tiny/);
  });

  it('is documented: the README table lists every variable', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const missing = CONFIG_VARIABLES.filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
