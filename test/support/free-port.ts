import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A TCP port nothing listens on right now, for a process the test starts (or one that must refuse).
 *
 * Not one the kernel hands out: a port freed by a probe inside the ephemeral range
 * (net.ipv4.ip_local_port_range) can be given to any outgoing connection or `listen(0)` of the run
 * (every fetch, database and Redis connection takes one) in the seconds before the child process
 * binds it, which then fails with EADDRINUSE, or a test expecting a refusal reaches someone else's
 * server. Below that range only explicit binds take ports: these, spread over disjoint slices per
 * jest worker and taken in turn within one, so two callers never race for the same port either.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = nextCandidate();
    if (await bindable(port)) return port;
  }
  throw new Error('no free port below the ephemeral range');
}

const SLICES = 8;
const { low, high } = belowEphemeralRange();
const sliceSize = Math.floor((high - low + 1) / SLICES);
const slice = (Number(process.env.JEST_WORKER_ID ?? process.pid) - 1) % SLICES;
let offset = Math.floor(Math.random() * sliceSize);

function nextCandidate(): number {
  offset = (offset + 1) % sliceSize;
  return low + slice * sliceSize + offset;
}

/** The 8000 ports just below the kernel's ephemeral range (32768 on Linux, 49152 elsewhere). */
function belowEphemeralRange(): { low: number; high: number } {
  let first = 49152;
  try {
    first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || first;
  } catch {
    // not Linux: the IANA dynamic range
  }
  const high = Math.max(first - 1, 9000);
  return { low: Math.max(high - 7999, 1024), high };
}

function bindable(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
