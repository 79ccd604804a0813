import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../../src/config/config';
import { freePort } from './free-port';
import { until } from './wait';

/**
 * Our own programs as separate processes, TypeScript compiled by swc on the way (cached): the
 * `newsgate` CLI, the gateway (src/main.ts) and test scripts. The jest config puts every test file
 * that imports this module in the `processes` project.
 */
const ROOT = path.resolve(__dirname, '../..');
const REGISTER = path.join(ROOT, 'test/support/swc-register.js');
export const CLI_MAIN = path.join(ROOT, 'src/cli/main.ts');
export const GATEWAY_MAIN = path.join(ROOT, 'src/main.ts');

/** How a process ended, with everything it wrote. */
export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment without any newsgate variable of the outer one (nor jest's NODE_OPTIONS). */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [...CONFIG_VARIABLES, 'NODE_OPTIONS']) delete env[name];
  return env;
}

/** Starts `script` with `args` on baseEnv() plus `env`; stdin is a pipe when the test talks to it. */
export function startScript(script: string, args: string[], env: Record<string, string> = {}, stdin: 'pipe' | 'ignore' = 'ignore') {
  return collected(spawn(process.execPath, ['-r', REGISTER, script, ...args], { cwd: ROOT, env: { ...baseEnv(), ...env }, stdio: [stdin, 'pipe', 'pipe'] }));
}

/**
 * `npm <args>` in `cwd` on baseEnv() plus `env`, as a person types it, with npm the leader of a
 * process group of its own: what it starts stays in that group (see processesInGroup).
 */
export function startNpm(args: string[], cwd: string, env: Record<string, string>) {
  return collected(spawn('npm', args, { cwd, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
}

/** The ids of the live processes in process group `group` (read from /proc). */
export function processesInGroup(group: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so count from the last ')'.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(pgrp) === group && state !== 'Z';
      } catch {
        return false; // ended while the list was read
      }
    })
    .map(Number);
}

/** A child process with everything it writes collected, and how it ended. */
function collected(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  let exited: Run | null = null;
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve((exited = { code, signal, stdout, stderr })));
  });
  return { child, done, exited: () => exited, output: () => ({ stdout, stderr }) };
}

/** One `newsgate` command, to its end. */
export function newsgate(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return startScript(CLI_MAIN, args, env).done;
}

/** An error is one line on stderr, never a stack trace. */
export function expectOneLineError(run: Run, pattern: RegExp): void {
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr.trimEnd()).toMatch(pattern);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  stdout(): string;
  /** When and how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * The gateway as its own process on a free port, logging JSON lines at info, once it listens. Only
 * PATH of the outer environment reaches it: no worker, no seed on an empty database, no landing
 * page, `adminToken` as ADMIN_TOKEN, fetches allowed to 127.0.0.1; `env` adds or overrides. Starting
 * takes seconds (swc, migrations, PGlite's initdb for memory://), a minute and more under load.
 */
export async function startGatewayProcess(env: Record<string, string>, adminToken: string): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', REGISTER, GATEWAY_MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      WORKER_ENABLED: 'false',
      SEED_ON_EMPTY: 'false',
      GRAPHQL_LANDING_PAGE: 'false',
      ADMIN_TOKEN: adminToken,
      FETCH_ALLOWLIST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  try {
    await until(() => {
      if (child.exitCode !== null) throw new Error('exited');
      return stdout.includes('newsgate listening');
    }, 'the gateway to start', 90_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`the gateway did not start (${(error as Error).message}):\n${stdout}\n${stderr}`);
  }
  return { child, url: `http://127.0.0.1:${port}`, stdout: () => stdout, exited };
}

/** The error code of a new TCP connection to `url`'s port on 127.0.0.1 ('connected' if it was accepted). */
export function tryConnect(url: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}
