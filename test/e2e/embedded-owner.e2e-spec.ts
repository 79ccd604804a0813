import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { loadConfig } from '../../src/config/config';
import { openDatabase, type DatabaseHandle } from '../../src/db/data-source';
import { LOCK_FILE, type OwnerInfo } from '../../src/db/embedded/data-dir-lock';
import * as wire from '../../src/db/embedded/wire';
import { freePort } from '../support/free-port';
import { CLI_MAIN, expectOneLineError, GATEWAY_MAIN, startScript, type Run } from '../support/processes';

/**
 * An embedded DATA_DIR has exactly one owner process, with real processes on a real data
 * directory: newsgate commands run through the gateway that owns it (and the gateway serves what
 * they change at once), transactions of two processes stay apart, a directory left by SIGKILL opens
 * again with every committed write, a damaged one gets one line with the way out, and backup and
 * restore work around a running gateway. The same on both test databases: these processes never
 * see DATABASE_URL, except where they must refuse it.
 *
 * One data directory for the file (PGlite's initdb takes seconds), restored from the suite's
 * migrated snapshot when there is one; the tests run in order and each leaves it usable.
 */

const SESSION = path.join(__dirname, 'embedded-session.child.ts');
/** Conditions on other processes are waited for this long: a loaded machine is slow, never wrong. */
const PATIENCE_MS = 120_000;

/** Every process here has stdin as a pipe (the session script reads its commands from it). */
const start = (script: string, args: string[], env: Record<string, string>) => startScript(script, args, env, 'pipe');
const newsgate = (args: string[], env: Record<string, string>) => start(CLI_MAIN, args, env).done;

async function until<T>(condition: () => T | Promise<T>, what: string, alive?: () => Run | null): Promise<NonNullable<T>> {
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    const exited = alive?.();
    if (exited) throw new Error(`waiting for ${what}, the process exited: ${JSON.stringify(exited)}`);
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A wait raced against the outcome it must precede: when the outcome wins, the test goes on to fail on the data. */
function settled(wait: Promise<unknown>): Promise<unknown> {
  wait.catch(() => undefined);
  return wait;
}

async function graphql(port: number, query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, body: await response.json() };
}

let reads = 0;
/** Headlines the gateway serves, asked with a query text of its own each time so no cached answer is reused. */
async function servedFresh(port: number): Promise<number> {
  const alias = `n${++reads}`;
  return (await graphql(port, `{ ${alias}: latestFeed(first: 1) { totalCount } }`)).body.data[alias].totalCount;
}

/** The gateway (`newsgate serve`) on DATA_DIR, once it answers. */
async function startGateway(env: Record<string, string>) {
  const port = await freePort();
  const args = ['serve', '--port', String(port), '--host', '127.0.0.1'];
  const gateway = start(CLI_MAIN, args, { ...env, WORKER_ENABLED: 'false', SEED_ON_EMPTY: 'false', LOG_LEVEL: 'warn' });
  await until(() => fetch(`http://127.0.0.1:${port}/readyz`).then((res) => res.ok, () => false), 'the gateway to answer', gateway.exited);
  return { ...gateway, port, command: `newsgate ${args.join(' ')}` };
}

describe('the embedded database has exactly one owner', () => {
  let root: string;
  let dataDir: string;
  let env: Record<string, string>;
  let lockFile: string;
  /** Taken from the running gateway in the first test, restored in the last. */
  let backupFile: string;

  /** Opens DATA_DIR in this process (when nobody owns it) for a look at what is stored. */
  async function inspect<T>(work: (handle: DatabaseHandle) => Promise<T>, directory = dataDir): Promise<T> {
    const handle = await openDatabase({ ...loadConfig({ LOG_LEVEL: 'silent' }), dataDir: directory });
    try {
      return await work(handle);
    } finally {
      await handle.close();
    }
  }
  const count = (table: 'article' | 'feed_item') => inspect(async (handle) => (await handle.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number);

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'newsgate-owner-'));
    dataDir = path.join(root, 'data');
    env = { DATA_DIR: dataDir };
    lockFile = path.join(dataDir, LOCK_FILE);
    backupFile = path.join(root, 'while-serving.tar.gz');
    const file = process.env.NEWSGATE_PGLITE_SNAPSHOT;
    const snapshot = file && existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
    const handle = await openDatabase({ ...loadConfig({ LOG_LEVEL: 'silent' }), dataDir }, { pgliteSnapshot: snapshot });
    await handle.close();
  }, PATIENCE_MS);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('runs commands through the gateway that owns DATA_DIR, which serves what they change at once; a second owner is refused', async () => {
    const gateway = await startGateway(env);
    try {
      const owner = JSON.parse(readFileSync(lockFile, 'utf8')) as OwnerInfo;
      expect(owner).toMatchObject({ pid: gateway.child.pid, command: gateway.command });
      expect(owner.socket).toMatch(/\.s\.PGSQL\.5432$/);

      // The same query twice: the second answer may come from the response cache.
      const feed = `{ latestFeed(first: 1) { totalCount } }`;
      const before = (await graphql(gateway.port, feed)).body.data.latestFeed.totalCount as number;
      expect((await graphql(gateway.port, feed)).body.data.latestFeed.totalCount).toBe(before);
      const seeded = await newsgate(['seed', '--demo', '40', '--batch-size', '10'], env);
      expect(seeded.code).toBe(0);
      expect(JSON.parse(seeded.stdout)).toMatchObject({ articles: { created: 40 } });
      // The gateway's very next answer to the same query counts them: its cache ended with the seed.
      expect((await graphql(gateway.port, feed)).body.data.latestFeed.totalCount).toBe(before + 40);

      // A key made by the command line works at once, and its revocation too, though the gateway
      // remembers live keys.
      const created = await newsgate(['keys', 'create', '--name', 'Partner Y'], env);
      expect(created.code).toBe(0);
      const secret = created.stdout.trim();
      expect((await graphql(gateway.port, feed, { 'x-api-key': secret })).status).toBe(200);
      expect((await graphql(gateway.port, feed, { 'x-api-key': secret })).status).toBe(200);
      const listed = await newsgate(['keys', 'list', '--json'], env);
      const key = (JSON.parse(listed.stdout) as Array<{ id: string; name: string }>).find((k) => k.name === 'Partner Y')!;
      expect((await newsgate(['keys', 'revoke', key.id], env)).code).toBe(0);
      expect((await graphql(gateway.port, feed, { 'x-api-key': secret })).status).toBe(401);

      // Another gateway on the same directory is refused before it touches anything.
      const second = await newsgate(['serve', '--port', String(await freePort())], env);
      expect(second.code).toBe(3);
      expectOneLineError(second, new RegExp(`^error: the embedded database in ${dataDir} is in use by pid ${String(gateway.child.pid)} \\(\`${gateway.command}\`, since [0-9-]+ [0-9:]+ UTC\\): .*stop that process first \\(kill ${String(gateway.child.pid)}\\)`));

      // A backup made by the gateway while it serves; a restore must wait for it to stop.
      const backup = await newsgate(['backup', backupFile], env);
      expect(backup.code).toBe(0);
      expect(backup.stderr).toContain(`copied by the running pid ${String(gateway.child.pid)}`);
      expect(readFileSync(backupFile).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      const restore = await newsgate(['restore', backupFile, '--force'], env);
      expect(restore.code).toBe(3);
      expectOneLineError(restore, new RegExp(`^error: cannot restore into ${dataDir}: it is in use by pid ${String(gateway.child.pid)} .*stop that process first`));
      expect((await graphql(gateway.port, feed)).status).toBe(200);
    } finally {
      gateway.child.kill('SIGTERM');
    }
    const stopped = await gateway.done;
    expect(stopped.code).toBe(0);
    expect(existsSync(lockFile)).toBe(false);

    // Everything is there once the gateway has stopped: the directory opens, to a command too.
    const after = await newsgate(['keys', 'list', '--json'], env);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Partner Y', revokedAt: expect.any(String) })]));
  }, 4 * PATIENCE_MS);

  it('keeps two processes’ transactions apart: neither one’s rollback erases the other’s commit', async () => {
    const owner = await openDatabase({ ...loadConfig({ LOG_LEVEL: 'silent' }), dataDir }, { role: 'server' });
    const session = start(SESSION, [], env);
    const answers: string[] = [];
    const waiting: Array<(line: string) => void> = [];
    let partial = '';
    session.child.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      for (let end = partial.indexOf('\n'); end >= 0; end = partial.indexOf('\n')) {
        const line = partial.slice(0, end);
        partial = partial.slice(end + 1);
        const next = waiting.shift();
        if (next) next(line);
        else answers.push(line);
      }
    });
    const nextAnswer = () => (answers.length > 0 ? Promise.resolve(answers.shift()!) : new Promise<string>((resolve) => waiting.push(resolve)));
    const send = (command: string) => {
      session.child.stdin!.write(`${command}\n`);
      return nextAnswer();
    };
    const host = owner.embedded!.engine!.host;
    const names = async () => (await owner.dataSource.query('SELECT name FROM isolation_probe ORDER BY name')).map((row: { name: string }) => row.name);
    try {
      await owner.dataSource.query('CREATE TABLE isolation_probe (name text PRIMARY KEY)');
      expect(await nextAnswer()).toBe('ready client');

      // This process's transaction is rolled back while the other process commits.
      const runner = owner.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      await runner.query(`INSERT INTO isolation_probe VALUES ('owner-rolled-back')`);
      // Its BEGIN waits for this transaction (were it let through, it would run inside it).
      const began = send('begin');
      await Promise.race([began, settled(until(() => host.stats().waiting > 0, 'the other process to wait for this one’s transaction'))]);
      await runner.rollbackTransaction();
      await runner.release();
      expect(await began).toBe('done begin');
      expect(await send('insert child-committed')).toBe('done insert');
      expect(await send('commit')).toBe('done commit');

      // The other process's transaction is rolled back while this one commits.
      expect(await send('begin')).toBe('done begin');
      expect(await send('insert child-rolled-back')).toBe('done insert');
      const committing = owner.dataSource.query(`INSERT INTO isolation_probe VALUES ('owner-committed')`);
      await Promise.race([committing, settled(until(() => host.stats().waiting > 0, 'this process to wait for the other one’s transaction'))]);
      expect(await send('rollback')).toBe('done rollback');
      await committing;
      expect(await names()).toEqual(['child-committed', 'owner-committed']);
      expect(await send('names')).toBe('names ["child-committed","owner-committed"]');

      // Both prepare a statement under the same name, each in a session of its own.
      const pool = (owner.dataSource.driver as unknown as { master: Pool }).master;
      const prepared = await pool.query<{ name: string }>({ name: 'probe_names', text: 'SELECT name FROM isolation_probe ORDER BY name' });
      expect(prepared.rows.map((row) => row.name)).toEqual(['child-committed', 'owner-committed']);
      expect(await send('prepared-names')).toBe('prepared-names ["child-committed","owner-committed"]');

      // A process killed inside its transaction is rolled back, and the others go on.
      expect(await send('begin')).toBe('done begin');
      expect(await send('insert child-killed')).toBe('done insert');
      session.child.kill('SIGKILL');
      await session.done;
      expect(await names()).toEqual(['child-committed', 'owner-committed']);

      // So is a client that disconnects in the middle of an extended-protocol statement (a Sync would have committed it).
      const socketPath = (JSON.parse(readFileSync(lockFile, 'utf8')) as OwnerInfo).socket!;
      const raw = connect(socketPath);
      let received = Buffer.alloc(0);
      raw.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
      raw.write(wire.startup({ user: 'postgres', database: 'postgres' }));
      await until(() => received.includes(Buffer.from([0x5a, 0, 0, 0, 5])), 'the startup answer');
      const int16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
      raw.write(
        Buffer.concat([
          wire.message('P', Buffer.concat([wire.cstring(''), wire.cstring(`INSERT INTO isolation_probe VALUES ('half-sent')`), int16(0)])),
          wire.message('B', Buffer.concat([wire.cstring(''), wire.cstring(''), int16(0), int16(0), int16(0)])),
          wire.message('E', Buffer.concat([wire.cstring(''), Buffer.alloc(4)])),
        ]),
      );
      await until(() => received.includes(Buffer.from('C\0\0\0\x0fINSERT 0 1\0', 'latin1')) && host.stats().holder === 'client', 'the unfinished statement to run');
      raw.destroy();
      expect(await names()).toEqual(['child-committed', 'owner-committed']);
      await owner.dataSource.query('DROP TABLE isolation_probe');
    } finally {
      session.child.kill('SIGKILL');
      await owner.close();
    }
    expect(existsSync(lockFile)).toBe(false);
  }, 2 * PATIENCE_MS);

  it('opens again, with every committed write, after its owner is killed (SIGKILL) while a command writes through it', async () => {
    const gateway = await startGateway(env);
    const before = await servedFresh(gateway.port);
    const seed = start(CLI_MAIN, ['seed', '--demo', '50000', '--batch-size', '50'], env);
    // Rows the gateway has served are committed: they must all be there after the crash.
    const acknowledged = await until(async () => {
      const served = await servedFresh(gateway.port);
      return served >= before + 200 ? served : 0;
    }, 'the seed to commit through the gateway', seed.exited);
    gateway.child.kill('SIGKILL');
    expect((await gateway.done).signal).toBe('SIGKILL');
    const seedRun = await seed.done;
    expect(seedRun.code).not.toBe(0);
    // The dead owner's lock is still there; the next process takes it over and recovers.
    const dead = JSON.parse(readFileSync(lockFile, 'utf8')) as OwnerInfo;
    expect(dead.pid).toBe(gateway.child.pid);
    const migrate = await newsgate(['migrate'], env);
    expect(migrate.code).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
    // Its socket went with its lock.
    expect(existsSync(path.dirname(dead.socket!))).toBe(false);
    expect(await count('feed_item')).toBeGreaterThanOrEqual(acknowledged);
  }, 4 * PATIENCE_MS);

  it('is refused while a command owns it (that one does not share), and opens again after that command is killed mid-write', async () => {
    const seed = start(CLI_MAIN, ['seed', '--demo', '100000', '--batch-size', '100'], env);
    let progress: RegExpMatchArray | null = null;
    await until(() => (progress = seed.output().stderr.match(/seeding: (\d+)\/100000 articles/)), 'the seed to report committed batches', seed.exited);
    const refused = await newsgate(['keys', 'list'], env);
    expect(refused.code).toBe(3);
    expectOneLineError(refused, new RegExp(`^error: the embedded database in ${dataDir} is in use by pid ${String(seed.child.pid)} \\(\`newsgate seed --demo 100000 --batch-size 100\`, since .*\\), which does not share it: wait for it to finish, then run this again$`));
    expect(seed.exited()).toBeNull();
    seed.child.kill('SIGKILL');
    await seed.done;
    const listed = await newsgate(['keys', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    expect(await count('article')).toBeGreaterThanOrEqual(Number(progress![1]));
  }, 4 * PATIENCE_MS);

  it('says in one line how to recover a damaged directory, and restore brings the backup back', async () => {
    const damaged = path.join(root, 'damaged');
    cpSync(dataDir, damaged, { recursive: true });
    // pg_control cut short: PGlite's Postgres PANICs while opening it and WebAssembly aborts.
    truncateSync(path.join(damaged, 'global', 'pg_control'), 100);
    const damagedEnv = { DATA_DIR: damaged };
    const recovery = `is damaged and cannot be opened \\(PGlite: Aborted\\(\\)\\)\\. Restore a backup with \`newsgate restore <file> --force\`, or move the directory aside \\(mv ${damaged} ${damaged}\\.damaged\\) and start again with an empty one$`;

    const listed = await newsgate(['keys', 'list'], damagedEnv);
    expect(listed.code).toBe(3);
    expectOneLineError(listed, new RegExp(`^error: the embedded database in ${damaged} ${recovery}`));
    // `npm start` says the same, with the same exit code.
    const started = await start(GATEWAY_MAIN, [], { ...damagedEnv, PORT: String(await freePort()), LOG_LEVEL: 'warn' }).done;
    expect(started.code).toBe(3);
    expectOneLineError(started, new RegExp(`^newsgate failed to start: the embedded database in ${damaged} ${recovery}`));
    expect(existsSync(path.join(damaged, LOCK_FILE))).toBe(false);

    // Restore refuses to replace a database silently, a missing file and a file that is no backup.
    expect((await newsgate(['restore', path.join(root, 'missing.tar.gz'), '--force'], damagedEnv)).code).toBe(4);
    const notBackup = path.join(root, 'not-a-backup.tar.gz');
    writeFileSync(notBackup, 'hello');
    const rejected = await newsgate(['restore', notBackup, '--force'], damagedEnv);
    expect(rejected.code).toBe(1);
    expectOneLineError(rejected, /is not a backup made by `newsgate backup`/);
    const unforced = await newsgate(['restore', backupFile], damagedEnv);
    expect(unforced.code).toBe(2);
    expectOneLineError(unforced, new RegExp(`^error: ${damaged} already holds a database: add --force to replace it`));

    const restored = await newsgate(['restore', backupFile, '--force'], damagedEnv);
    expect(restored.code).toBe(0);
    const keptAs = /the database it replaced is kept in (\S+)\.$/.exec(restored.stderr.trim())?.[1];
    expect(keptAs).toBeDefined();
    expect(existsSync(path.join(keptAs!, 'global', 'pg_control'))).toBe(true);
    const after = await newsgate(['keys', 'list', '--json'], damagedEnv);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Partner Y' })]));
  }, 4 * PATIENCE_MS);

  it('backup and restore are for the embedded database: with DATABASE_URL they point to pg_dump (exit 2); their help has examples and exit codes', async () => {
    for (const command of ['backup', 'restore']) {
      const help = await newsgate([command, '--help'], {});
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`Usage: newsgate ${command} \\[options\\] <file>[\\s\\S]*--force[\\s\\S]*Exit codes:\\n  0  [\\s\\S]*Examples:\\n  \\$ newsgate ${command} `));
    }
    const DATABASE_URL = 'postgres://postgres@127.0.0.1:1/x';
    const [backup, restore] = await Promise.all([newsgate(['backup', path.join(root, 'pg.tar.gz')], { DATABASE_URL }), newsgate(['restore', backupFile], { DATABASE_URL })]);
    for (const [run, command] of [[backup, 'backup'], [restore, 'restore']] as const) {
      expect(run.code).toBe(2);
      expectOneLineError(run, new RegExp(`^error: ${command} is for the embedded database \\(DATA_DIR\\); with DATABASE_URL set, use Postgres' own tools: pg_dump`));
    }
  }, PATIENCE_MS);
});
