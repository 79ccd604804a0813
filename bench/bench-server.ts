import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SIDEBAR_QUERY } from './queries';

export const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/newsgate_bench';

/** How a server other than ours is started and asked whether it is up. */
export interface StartOptions {
  /** The runtime (default: this Node); a peer may bring its own. */
  command?: string;
  /** The POST body that must answer 200 once the server is up (default: our sidebar query). */
  readyBody?: string;
}

/**
 * Starts a server (the gateway, a floor, a peer) as its own process, configured the same way
 * for every benchmark, and resolves once it answers the sidebar query.
 */
export async function startBenchServer(script: string, port: number, env: Record<string, string> = {}, options: StartOptions = {}): Promise<ChildProcess> {
  const child = spawn(options.command ?? process.execPath, [path.join(ROOT, script)], {
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
  const body = options.readyBody ?? JSON.stringify({ operationName: 'Sidebar', query: SIDEBAR_QUERY });
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`${script} exited with code ${child.exitCode} before it answered`);
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
