import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { usingPostgresServer } from '../support/database';
import { freePort } from '../support/free-port';
import { processesInGroup, startNpm, tryConnect } from '../support/processes';
import { until } from '../support/wait';

/**
 * `npm start`, the README's first command, through npm itself as a person runs it, in a copy of the
 * project with a dist/ of its own (what a fresh clone has, beside the same node_modules):
 * - the first start compiles; a start with dist/ fresh compiles nothing (it used to recompile all
 *   of it on every start, 19-33 s); a start after a source changed compiles it;
 * - SIGTERM or SIGINT to npm stops the gateway with exit code 0: its port closes and no process of
 *   it is left (npm used to exit 143 and leave the gateway running, reparented).
 * On the embedded database, `npm start`'s default; the Postgres run of the suite skips the file
 * (nothing here depends on the database; the gateway's shutdown on Postgres is shutdown.e2e-spec.ts).
 */
const ROOT = path.resolve(__dirname, '../..');
/** What `npm start` reads: the build's sources and configuration, and the sample the gateway seeds from. */
const PROJECT_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'migrations', 'bench', 'seeds'];

/** Compiling the project from nothing takes most of a minute on a loaded 2-core machine. */
jest.setTimeout(300_000);

/** path → modification time of every file under dist/. */
function distFiles(project: string): Map<string, number> {
  const dist = path.join(project, 'dist');
  return new Map(
    readdirSync(dist, { recursive: true, encoding: 'utf8' })
      .filter((file) => statSync(path.join(dist, file)).isFile())
      .map((file) => [file, statSync(path.join(dist, file)).mtimeMs]),
  );
}

(usingPostgresServer() ? describe.skip : describe)('npm start', () => {
  let project: string;
  const groups: number[] = [];

  beforeAll(() => {
    project = mkdtempSync(path.join(os.tmpdir(), 'newsgate-npm-start-'));
    for (const name of PROJECT_FILES) {
      cpSync(path.join(ROOT, name), path.join(project, name), { recursive: true, filter: (source) => !source.includes(`${path.sep}node_modules`) });
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'));
  });
  afterAll(() => {
    // Whatever a failed test left running, by the process groups this file started.
    for (const group of groups) for (const pid of processesInGroup(group)) process.kill(pid, 'SIGKILL');
    rmSync(project, { recursive: true, force: true });
  });

  /** `npm start` until the gateway listens; then `signal` to npm, and what followed. */
  async function startAndStop(signal: 'SIGTERM' | 'SIGINT') {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const npm = startNpm(['start'], project, {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'info',
      WORKER_ENABLED: 'false',
      SEED_ON_EMPTY: 'false',
    });
    const group = npm.child.pid!;
    groups.push(group);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.child.once('exit', (code, signal) => resolve({ code, signal })));
    await until(() => {
      if (npm.child.exitCode !== null) throw new Error(`npm start ended:\n${npm.output().stdout}\n${npm.output().stderr}`);
      return npm.output().stdout.includes('newsgate listening');
    }, 'the gateway to listen', 240_000);
    const distAtListen = distFiles(project);
    expect(await tryConnect(url)).toBe('connected');

    npm.child.kill(signal);
    const ended = await exited;
    // npm waited for the gateway, which shut down as it does on a signal of its own.
    await until(() => processesInGroup(group).length === 0, 'every process of npm start to end', 10_000).catch(() => undefined);
    const left = processesInGroup(group).map((pid) => `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, { encoding: 'utf8', flag: 'r' }).replaceAll('\0', ' ')}`);
    return { ended, left, refused: await tryConnect(url), stdout: npm.output().stdout, distAtListen };
  }

  let compiled: Map<string, number>;

  it('compiles a fresh clone on its first start, and stops on SIGTERM to npm with exit code 0, leaving no process', async () => {
    const run = await startAndStop('SIGTERM');
    expect(run.ended).toEqual({ code: 0, signal: null });
    expect(run.left).toEqual([]);
    expect(run.refused).toBe('ECONNREFUSED');
    expect(run.stdout).toMatch(/"signal":"SIGTERM","drained":true,"msg":"shutdown complete"/);
    expect(run.distAtListen.has('src/main.js')).toBe(true);
    compiled = run.distAtListen;
  });

  it('starts from a fresh dist/ without compiling (no file of it written), and stops on SIGINT with exit code 0', async () => {
    const run = await startAndStop('SIGINT');
    expect(run.distAtListen).toEqual(compiled);
    expect(run.ended).toEqual({ code: 0, signal: null });
    expect(run.left).toEqual([]);
    expect(run.refused).toBe('ECONNREFUSED');
    expect(run.stdout).toMatch(/"signal":"SIGINT","drained":true,"msg":"shutdown complete"/);
  });

  it('compiles a changed source before starting', async () => {
    const marker = `// changed by npm-start.e2e-spec ${Date.now()}`;
    appendFileSync(path.join(project, 'src/main.ts'), `\n${marker}\n`);
    const run = await startAndStop('SIGTERM');
    expect(readFileSync(path.join(project, 'dist/src/main.js'), 'utf8')).toContain(marker);
    expect(run.distAtListen.get('src/main.js')).toBeGreaterThan(compiled.get('src/main.js')!);
    expect(run.ended).toEqual({ code: 0, signal: null });
    expect(run.left).toEqual([]);
  });
});
