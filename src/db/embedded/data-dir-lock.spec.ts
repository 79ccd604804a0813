import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataDirLock, LOCK_FILE, describeCommand, type OwnerInfo } from './data-dir-lock';

/** The lock's liveness rules, against real processes: one alive, one that has exited. */
describe('DataDirLock', () => {
  let dir: string;
  let alive: ChildProcess;
  let deadPid: number;

  beforeAll(async () => {
    alive = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const dead = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    deadPid = dead.pid!;
    await new Promise((resolve) => dead.on('exit', resolve));
  });
  afterAll(() => alive.kill('SIGKILL'));
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'newsgate-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lockOf = (info: Partial<OwnerInfo>) =>
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, command: 'newsgate serve', startedAt: '2026-01-05T10:00:00.000Z', hostname: os.hostname(), socket: null, bootId: null, startTicks: null, nonce: 'other', ...info }),
    );

  it('takes a free directory, writes who holds it, and removes the lock on release', async () => {
    const attempt = await DataDirLock.acquire(path.join(dir, 'new', 'data'), { socket: '/tmp/x/.s.PGSQL.5432' });
    if (!('acquired' in attempt)) throw new Error('not acquired');
    const written = JSON.parse(readFileSync(attempt.acquired.file, 'utf8')) as OwnerInfo;
    expect(written).toMatchObject({ pid: process.pid, socket: '/tmp/x/.s.PGSQL.5432', hostname: os.hostname() });
    // A second open in the same process is refused, not taken over.
    expect(await DataDirLock.acquire(path.join(dir, 'new', 'data'), { socket: null })).toMatchObject({ state: 'live', owner: { pid: process.pid } });
    attempt.acquired.release();
    expect(existsSync(attempt.acquired.file)).toBe(false);
  });

  it('reports a live owner and leaves its lock alone', async () => {
    lockOf({ pid: alive.pid! });
    expect(await DataDirLock.acquire(dir, { socket: null })).toMatchObject({ state: 'live', owner: { pid: alive.pid, nonce: 'other' } });
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).nonce).toBe('other');
  });

  it('takes over the lock of a process that is gone, of a pid now used by another process, and of its own pid from an earlier life', async () => {
    for (const stale of [{ pid: deadPid }, { pid: alive.pid!, startTicks: '1' }, { pid: process.pid }]) {
      lockOf(stale);
      const attempt = await DataDirLock.acquire(dir, { socket: null });
      if (!('acquired' in attempt)) throw new Error(`not taken over: ${JSON.stringify(stale)}`);
      attempt.acquired.release();
    }
  });

  it('cannot tell whether a process on another host is alive', async () => {
    lockOf({ pid: deadPid, hostname: 'elsewhere' });
    expect(await DataDirLock.acquire(dir, { socket: null })).toMatchObject({ state: 'unknown' });
  });

  it('names the command as an operator typed it', () => {
    expect(describeCommand(['node', '/app/dist/src/cli/main.js', 'seed', '--demo', '5'])).toBe('newsgate seed --demo 5');
  });
});
