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

  it('is documented: the README table lists every variable', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const missing = CONFIG_VARIABLES.filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
