import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';
import { createTestDatabase, usingPostgresServer, type TestDatabase } from '../support/database';
import { freePort } from '../support/free-port';
import { CLI_MAIN, expectOneLineError as expectStderrLine, newsgate, startScript, type Run } from '../support/processes';

/**
 * `newsgate` as scripts run it: a separate process (TypeScript through swc, compiled once and
 * cached), its exit code, stdout and stderr. On Postgres the commands use a database of this file's
 * own; on PGlite a data directory restored from the migrated snapshot, which only one process may
 * open at a time, so the commands that open it run one after the other.
 */

/** A command's error is one line on stderr, never a stack trace, and nothing on stdout. */
function expectOneLineError(run: Run, pattern: RegExp): void {
  expectStderrLine(run, pattern);
  expect(run.stdout).toBe('');
}

/** Runs `work` on at most `limit` items at once (the suite runs on two cores). */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

describe('newsgate command line', () => {
  describe('help', () => {
    // Each command, and what its help must mention.
    const COMMANDS: Array<[string[], string[]]> = [
      [[], ['serve', 'worker', 'migrate', 'seed', 'sources', 'keys', 'stories', '--version', 'Exit codes:', '3  database unreachable', '4  not found']],
      [['serve'], ['--port <port>', '--host <host>', 'SIGTERM']],
      [['worker'], ['SIGINT/SIGTERM', 'WORKER_HTTP_PORT']],
      [['migrate'], ['DATABASE_URL', 'DATA_DIR']],
      [['seed'], ['--demo <count>', '--batch-size <n>']],
      [['sources'], ['add', 'list', 'refresh', 'import', 'export']],
      [['sources', 'add'], ['<url>', '--name <name>', '--interval <minutes>', '--language <tag>', '--time-zone <zone>']],
      [['sources', 'list'], ['--json']],
      [['sources', 'refresh'], ['[slug]', '--all', '--concurrency <n>', '--json']],
      [['sources', 'import'], ['<opml>']],
      [['sources', 'export'], ['OPML']],
      [['keys'], ['create', 'list', 'revoke']],
      [['keys', 'create'], ['--name <partner>', '--origin <origin>', '--allow-operation <sha256>', '--json']],
      [['keys', 'list'], ['--json']],
      [['keys', 'revoke'], ['<id>', 'exit code 4']],
      [['stories'], ['backfill']],
      [['stories', 'backfill'], ['--batch-size <n>', 'idempotent']],
    ];
    let runs: Run[];

    beforeAll(async () => {
      runs = await pool(COMMANDS, 3, ([command]) => newsgate([...command, '--help']));
    });

    it.each(COMMANDS.map(([command, mentions], index) => [command.join(' ') || '(none)', mentions, index] as const))('newsgate %s --help', (_name, mentions, index) => {
      const run = runs[index]!;
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: newsgate/);
      for (const mention of mentions) expect(run.stdout).toContain(mention);
      expect(run.stdout).toContain('Examples:');
      expect(run.stderr).toBe('');
    });
  });

  describe('usage errors and configuration', () => {
    it('exits 2 on an unknown command', async () => {
      const run = await newsgate(['bogus']);
      expect(run.code).toBe(2);
      expectOneLineError(run, /^error: unknown command 'bogus'/);
    });

    it('exits 2 on an unknown option and on a bad argument', async () => {
      const [option, argument, neither] = await Promise.all([
        newsgate(['keys', 'list', '--bogus']),
        newsgate(['seed', '--demo', 'many']),
        newsgate(['sources', 'refresh']),
      ]);
      expect([option.code, argument.code, neither.code]).toEqual([2, 2, 2]);
      expectOneLineError(option, /^error: unknown option '--bogus'/);
      expectOneLineError(argument, /^error: option '--demo <count>' argument 'many' is invalid\. Must be a whole number/);
      expectOneLineError(neither, /^error: give either a source’s slug or --all/);
    });

    it('exits 2 on invalid configuration, naming the variable', async () => {
      const [migrate, serve] = await Promise.all([newsgate(['migrate'], { PORT: 'eighty' }), newsgate(['serve'], { PORT: 'eighty' })]);
      for (const run of [migrate, serve]) {
        expect(run.code).toBe(2);
        expectOneLineError(run, /^error: invalid configuration: PORT must be a whole number between 0 and 65535 \(got "eighty"\)$/);
      }
    });

    it('exits 3 when the database cannot be reached, without echoing its URL', async () => {
      const DATABASE_URL = 'postgres://postgres:s3cret@127.0.0.1:1/x';
      const [migrate, keys] = await Promise.all([newsgate(['migrate'], { DATABASE_URL }), newsgate(['keys', 'list'], { DATABASE_URL })]);
      for (const run of [migrate, keys]) {
        expect(run.code).toBe(3);
        expectOneLineError(run, /^error: the database could not be opened: connect ECONNREFUSED 127\.0\.0\.1:1$/);
        expect(run.stderr).not.toContain('s3cret');
      }
    });
  });

  describe('against a database', () => {
    let database: TestDatabase | null = null;
    let dataDir: string | null = null;
    let env: Record<string, string>;

    beforeAll(async () => {
      if (usingPostgresServer()) {
        database = await createTestDatabase();
        env = { DATABASE_URL: database.config.databaseUrl! };
      } else {
        // A data directory the child processes open, restored from the suite's migrated snapshot.
        dataDir = mkdtempSync(path.join(os.tmpdir(), 'newsgate-cli-'));
        const file = process.env.NEWSGATE_PGLITE_SNAPSHOT;
        const snapshot = file && existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
        const handle = await openDatabase({ ...loadConfig({ LOG_LEVEL: 'silent' }), dataDir }, { pgliteSnapshot: snapshot });
        await handle.close();
        env = { DATA_DIR: dataDir };
      }
    });
    afterAll(async () => {
      await database?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    /** Between commands: on PGlite the directory is opened only while no command runs. */
    async function count(table: 'article' | 'feed_item' | 'source'): Promise<number> {
      if (database) return (await database.handle.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
      const handle = await openDatabase({ ...loadConfig({ LOG_LEVEL: 'silent' }), dataDir: dataDir! });
      try {
        return (await handle.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
      } finally {
        await handle.close();
      }
    }

    it('exits 4 when keys revoke or sources refresh names nothing', async () => {
      const revoke = await newsgate(['keys', 'revoke', randomUUID()], env);
      expect(revoke.code).toBe(4);
      expectOneLineError(revoke, /^error: No API key has this ID\.$/);
      const refresh = await newsgate(['sources', 'refresh', 'no-such-source'], env);
      expect(refresh.code).toBe(4);
      expectOneLineError(refresh, /^error: no source has the slug "no-such-source"$/);
    });

    it('seeds a demo dataset, and seeding it again adds nothing', async () => {
      const first = await newsgate(['seed', '--demo', '500', '--batch-size', '200'], env);
      expect(first.code).toBe(0);
      // stdout is the JSON report alone; without a terminal, no progress bar.
      expect(JSON.parse(first.stdout)).toMatchObject({ articles: { requested: 500, created: 500, existing: 0 }, feedItemsWritten: 500 });
      expect(first.stderr).not.toContain('[');
      expect(await count('article')).toBe(500);

      const second = await newsgate(['seed', '--demo', '500'], env);
      expect(second.code).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ articles: { requested: 500, created: 0, existing: 500 }, feedItemsWritten: 0 });
      expect([await count('article'), await count('feed_item'), await count('source')]).toEqual([500, 500, 50]);
    });

    it('clusters the demo’s articles (stored without stories) with stories backfill, and running it again does nothing', async () => {
      const first = await newsgate(['stories', 'backfill', '--batch-size', '200'], env);
      expect(first.code).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ unclustered: 500, clustered: 500, batches: 3 });
      const second = await newsgate(['stories', 'backfill'], env);
      expect(second.code).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ unclustered: 0, clustered: 0, batches: 0 });
    });

    it('serves: lists its URLs in the start-up log, answers /healthz, then exits 0 on SIGTERM', async () => {
      const port = await freePort();
      const server = startScript(CLI_MAIN, ['serve', '--port', String(port), '--host', '127.0.0.1'], { ...env, WORKER_ENABLED: 'false', SEED_ON_EMPTY: 'false', LOG_LEVEL: 'info' });
      let exited: Run | null = null;
      void server.done.then((run) => (exited = run));
      const deadline = Date.now() + 45_000;
      let health: unknown = null;
      while (!health) {
        if (exited) throw new Error(`serve exited early: ${JSON.stringify(exited)}`);
        if (Date.now() > deadline) throw new Error(`serve did not answer: ${JSON.stringify(server.output())}`);
        health = await fetch(`http://127.0.0.1:${port}/healthz`)
          .then((res) => (res.ok ? res.json() : null))
          .catch(() => null);
        if (!health) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(health).toEqual({ status: 'ok' });
      // One JSON line names what people open: the front page, GraphQL, GraphiQL, the feeds, health.
      const base = `http://127.0.0.1:${port}`;
      const started = server
        .output()
        .stdout.split('\n')
        .filter((line) => line.includes('newsgate listening'))
        .map((line) => JSON.parse(line) as { msg: string; urls: Record<string, unknown> });
      expect(started).toHaveLength(1);
      expect(started[0]!.urls).toEqual({
        frontPage: `${base}/`,
        graphql: `${base}/graphql`,
        sandbox: `${base}/graphql`,
        graphiql: `${base}/graphiql`,
        feeds: { rss: `${base}/feeds/latest.rss`, atom: `${base}/feeds/latest.atom`, json: `${base}/feeds/latest.json` },
        health: `${base}/healthz`,
        ready: `${base}/readyz`,
        metrics: `${base}/metrics`,
      });
      for (const url of [`${base}/`, `${base}/graphql`, `${base}/graphiql`, `${base}/feeds/latest.rss`, `${base}/healthz`]) expect(started[0]!.msg).toContain(url);
      for (const url of [`${base}/graphiql`, `${base}/feeds/latest.atom`, `${base}/readyz`]) expect((await fetch(url)).status).toBe(200);
      server.child.kill('SIGTERM');
      const run = await server.done;
      expect(run.signal).toBeNull();
      expect(run.code).toBe(0);
    });
  });
});
