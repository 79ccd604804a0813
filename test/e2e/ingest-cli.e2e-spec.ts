import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { createLogger } from '../../src/common/logger';
import { registerIngestCommands } from '../../src/cli/ingest-commands';
import { parseOpml } from '../../src/ingest/opml/opml';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { SqlExecutor } from '../../src/db/sql-executor';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { ingestConfig } from '../support/ingest-app';

/**
 * `newsgate sources add|list|refresh|import|export` and `newsgate worker`, run through the real
 * command definitions against a test database (the runner stands in for the configured one).
 */
describe('newsgate sources and worker commands', () => {
  let database: TestDatabase;
  let server: FixtureServer;
  let lines: string[];
  let stop: () => void;

  beforeAll(async () => {
    server = await startFixtureServer();
    database = await createTestDatabase(ingestConfig({ INGEST_ARTICLE_PAGES: 'false', WORKER_POLL_INTERVAL_SECONDS: '1' }));
  });
  afterAll(async () => {
    await database?.drop();
    await server?.close();
  });

  async function newsgate(...args: string[]): Promise<string> {
    lines = [];
    const program = new Command().exitOverride();
    const db = new SqlExecutor(database.handle.dataSource);
    registerIngestCommands(
      program,
      (work) => work({ config: database.config, database: database.handle, db, logger: createLogger('silent') }),
      { log: (line) => lines.push(line) },
      () => new Promise<void>((resolve) => (stop = resolve)),
    );
    await program.parseAsync(['node', 'newsgate', ...args]);
    return lines.join('\n');
  }

  it('adds a source from its home page (discovering its feed) and another from a feed URL', async () => {
    expect(await newsgate('sources', 'add', server.url('/sample/'), '--name', 'নমুনা সংবাদ', '--interval', '15')).toMatch(
      new RegExp(`^added [a-z-]+ \\(নমুনা সংবাদ\\), id \\S+\\n  feed ${server.url('/sample/feed.rss')}$`),
    );
    expect(await newsgate('sources', 'add', server.url('/feeds/atom.xml'))).toMatch(/^added dive-into-mark \(Dive into mark\)/);
  });

  it('lists followed sources with their state and feeds', async () => {
    const out = await newsgate('sources', 'list');
    expect(out).toMatch(/dive-into-mark {2}Dive into mark {2}active {2}every 30 min {2}last success never/);
    expect(out).toMatch(/[a-z-]+ {2}নমুনা সংবাদ {2}active {2}every 15 min/);
  });

  it('refreshes one source, printing what the run did', async () => {
    expect(await newsgate('sources', 'refresh', 'dive-into-mark')).toMatch(/^succeeded: 2 items seen, 2 articles created/);
  });

  it('refreshes every followed source with --all, one report each; an unknown slug is exit code 4', async () => {
    const reports = JSON.parse(await newsgate('sources', 'refresh', '--all', '--json'));
    expect(reports).toHaveLength(2);
    expect(reports.map((report: { outcome: string }) => report.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(reports.map((report: { slug: string }) => report.slug)).toContain('dive-into-mark');
    await expect(newsgate('sources', 'refresh', 'no-such-source')).rejects.toMatchObject({ exitCode: 4 });
  });

  it('exports OPML that imports back, skipping what is already followed', async () => {
    const exported = await newsgate('sources', 'export');
    expect(parseOpml(Buffer.from(exported)).map((s) => s.feedUrl).sort()).toEqual([server.url('/feeds/atom.xml'), server.url('/sample/feed.rss')].sort());
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'newsgate-opml-')), 'subscriptions.opml');
    writeFileSync(
      file,
      exported.replace('</body>', `<outline text="Folder"><outline text="RDF news" type="rss" xmlUrl="${server.url('/feeds/rss1.rdf')}"/></outline></body>`),
    );
    const out = await newsgate('sources', 'import', file);
    expect(out).toMatch(/^added {4}RDF news/m);
    expect(out).toMatch(/1 added, 2 skipped$/);
  });

  it('runs the worker until it is told to stop', async () => {
    const running = newsgate('worker');
    const db = new SqlExecutor(database.handle.dataSource);
    const deadline = Date.now() + 20_000;
    // Every source added above is due; the worker runs them all.
    while ((await db.manager.query('SELECT count(*)::int AS n FROM source_fetch_state WHERE last_success_at IS NULL'))[0].n > 0) {
      if (Date.now() > deadline) throw new Error('the worker did not run the due sources');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    stop();
    await running;
    expect(server.hits('/feeds/rss1.rdf')).toBe(1);
  });
});
