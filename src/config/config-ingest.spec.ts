import { ConfigError, loadConfig } from './config';

describe('ingestion configuration', () => {
  it('has safe defaults: no private address opened, 20 s deadline, 10 MB cap, 5 redirects, worker on', () => {
    const config = loadConfig({});
    expect(config.fetch).toEqual({ allowlist: [], timeoutMs: 20_000, maxBytes: 10 * 1024 * 1024, maxRedirects: 5, userAgent: null, perHostConcurrency: 2 });
    expect(config.ingest).toEqual({ defaultIntervalMinutes: 30, pauseAfterFailures: 10, articlePages: true, maxPagesPerRun: 30, batchSize: 100 });
    expect(config.worker).toEqual({ enabled: true, concurrency: 4, pollIntervalSeconds: 30, httpPort: null });
  });

  it('reads FETCH_ALLOWLIST as hosts, addresses and CIDR ranges', () => {
    expect(loadConfig({ FETCH_ALLOWLIST: ' 127.0.0.1, 10.0.0.0/8 ,feeds.Internal,::1 ' }).fetch.allowlist).toEqual(['127.0.0.1', '10.0.0.0/8', 'feeds.internal', '::1']);
  });

  it('names every bad variable', () => {
    try {
      loadConfig({ FETCH_ALLOWLIST: 'http://x/', FETCH_TIMEOUT_MS: '5', WORKER_ENABLED: 'maybe' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/FETCH_ALLOWLIST must be a comma-separated list/);
      expect(problems).toMatch(/FETCH_TIMEOUT_MS must be a whole number between 100 and 600000/);
      expect(problems).toMatch(/WORKER_ENABLED must be one of/);
    }
  });
});
