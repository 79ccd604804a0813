import { execFile, execSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';

/**
 * What `npm run bench` reads while a server is under load: wrk's figures, the CPU time of the
 * server process and of the Postgres backends that serve it (from /proc).
 */

/** A POST body for wrk; `{{slug}}` in it becomes a random `article-N` on every request. */
export interface LoadBody {
  body: string;
  /** How many articles there are to pick a random slug from (none: the body is sent as is). */
  slugs?: number;
}

export const SLUG_PLACEHOLDER = '{{slug}}';

export interface LoadFigures {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors and timeouts, plus answers with a status of 400 or more. */
  errors: number;
}

const WRK = process.env.BENCH_WRK ?? '/usr/bin/wrk';

/** `wrk -t1 -cN -dS` against POST /graphql with the given body; figures from its `done` hook. */
export async function runWrk(port: number, load: LoadBody, connections: number, seconds: number): Promise<LoadFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'newsgate-bench-'));
  const script = path.join(dir, 'post.lua');
  writeFileSync(script, luaScript(load));
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        WRK,
        ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, `http://127.0.0.1:${port}/graphql`],
        { maxBuffer: 1 << 20 },
        (error, out, err) => (error ? reject(new Error(`wrk failed: ${error.message}\n${err}`)) : resolve(out)),
      );
    });
    const line = /^BENCH_RESULT (.*)$/m.exec(stdout)?.[1];
    if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
    const [requests, durationUs, p50Us, p99Us, socketErrors, statusErrors] = line.split(' ').map(Number) as [number, number, number, number, number, number];
    return {
      requests,
      seconds: durationUs / 1e6,
      rps: requests / (durationUs / 1e6),
      p50Ms: p50Us / 1000,
      p99Ms: p99Us / 1000,
      errors: socketErrors + statusErrors,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lua long strings take the JSON as it is; a level of `=` no body contains closes them. */
function luaString(text: string): string {
  let level = '';
  while (text.includes(`]${level}]`)) level += '=';
  return `[${level}[${text}]${level}]`;
}

function luaScript(load: LoadBody): string {
  const lines = ['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"'];
  if (load.slugs) {
    const [before, after] = load.body.split(SLUG_PLACEHOLDER) as [string, string];
    lines.push(
      'math.randomseed(os.time())',
      `local before = ${luaString(before)}`,
      `local after = ${luaString(after)}`,
      'request = function()',
      `  return wrk.format(nil, nil, nil, before .. "article-" .. math.random(1, ${load.slugs}) .. after)`,
      'end',
    );
  } else {
    lines.push(`wrk.body = ${luaString(load.body)}`);
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("BENCH_RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,',
    '    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

const CLOCK_TICKS_PER_SECOND = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** User plus system CPU time of a process (all its threads), in ms; 0 once it has gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is the 3rd, utime the 14th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Peak resident set (VmHWM) of a process, in MB. */
export function peakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** The local ports of a process's TCP connections to port `remotePort` (its Postgres pool). */
function clientPorts(pid: number, remotePort: number): number[] {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  for (const fd of fds) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || !inodes.has(cols[9]!)) continue;
      const local = parseInt(cols[1]!.split(':').pop()!, 16);
      const remote = parseInt(cols[2]!.split(':').pop()!, 16);
      if (remote === remotePort) ports.push(local);
    }
  }
  return ports;
}

/** The Postgres backends serving a process's pool, with their CPU time so far (pid → ms). */
export async function backendCpu(monitor: Client, serverPid: number, postgresPort: number): Promise<Map<number, number>> {
  const ports = clientPorts(serverPid, postgresPort);
  const cpu = new Map<number, number>();
  if (ports.length === 0) return cpu;
  const { rows } = await monitor.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])', [ports]);
  for (const { pid } of rows) cpu.set(pid, cpuMs(pid));
  return cpu;
}

/** CPU the backends used between two readings; a backend opened in between counts from zero. */
export function backendCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** The machine's load averages over 1, 5 and 15 minutes, as /proc/loadavg gives them. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
