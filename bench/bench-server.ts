import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SIDEBAR_QUERY } from './queries';

export const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/newsgate_bench';

/**
 * Starts a compiled server (the gateway or the floor) as its own process, configured the same way
 * for every benchmark, and resolves once it answers the sidebar query.
 */
export async function startBenchServer(script: string, port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, script)], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '10',
      GRAPHQL_LANDING_PAGE: 'false',
      SEED_ON_EMPTY: 'false',
      // The read benchmarks measure reads: no ingestion worker polling beside them.
      WORKER_ENABLED: 'false',
      NODE_ENV: 'production',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const body = JSON.stringify({ operationName: 'Sidebar', query: SIDEBAR_QUERY });
  for (let i = 0; i < 150; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (response.ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill();
  throw new Error(`${script} did not start`);
}

/** The process's peak resident set (VmHWM), in MB. */
export function peakRssMb(child: ChildProcess): number {
  try {
    const status = readFileSync(`/proc/${String(child.pid)}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}
