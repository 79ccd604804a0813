interface Waiter {
  grant: () => void;
  reject: (reason: Error) => void;
}

interface HostState {
  active: number;
  queue: Waiter[];
}

/**
 * At most `maxPerHost` concurrent tasks per host; further ones wait in FIFO order. Publishers
 * host many feeds on one server, and a scheduler firing them all at once looks like an attack.
 * Keys are host names (lower-cased); a URL is reduced to its host.
 */
export class HostLimiter {
  private readonly hosts = new Map<string, HostState>();

  constructor(readonly maxPerHost = 2) {
    if (!Number.isInteger(maxPerHost) || maxPerHost < 1) throw new RangeError('maxPerHost must be a positive integer');
  }

  /** Runs task when the host has a free slot, and frees the slot when it settles. */
  async run<T>(hostOrUrl: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(hostOrUrl, signal);
    try {
      return await task();
    } finally {
      release();
    }
  }

  /**
   * A slot for the host; call the returned function (once; later calls do nothing) to free it.
   * Aborting the signal while waiting leaves the queue and rejects with the signal's reason (see abortError).
   */
  acquire(hostOrUrl: string, signal?: AbortSignal): Promise<() => void> {
    const host = HostLimiter.key(hostOrUrl);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, queue: [] };
      this.hosts.set(host, state);
    }
    const slot = state;
    const release = this.releaser(host, slot);
    if (slot.active < this.maxPerHost) {
      slot.active++;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const index = slot.queue.indexOf(waiter);
        if (index !== -1) slot.queue.splice(index, 1);
        this.forgetIfIdle(host, slot);
        reject(abortError(signal!));
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject,
      };
      slot.queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  active(hostOrUrl: string): number {
    return this.hosts.get(HostLimiter.key(hostOrUrl))?.active ?? 0;
  }

  queued(hostOrUrl: string): number {
    return this.hosts.get(HostLimiter.key(hostOrUrl))?.queue.length ?? 0;
  }

  static key(hostOrUrl: string): string {
    if (hostOrUrl.includes('://')) {
      try {
        return new URL(hostOrUrl).hostname.toLowerCase();
      } catch {
        // Not a URL after all: used as a key as it is.
      }
    }
    return hostOrUrl.toLowerCase();
  }

  private releaser(host: string, state: HostState): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = state.queue.shift();
      // The slot passes straight to the next waiter, so `active` stays the same.
      if (next) next.grant();
      else {
        state.active--;
        this.forgetIfIdle(host, state);
      }
    };
  }

  private forgetIfIdle(host: string, state: HostState): void {
    if (state.active === 0 && state.queue.length === 0 && this.hosts.get(host) === state) this.hosts.delete(host);
  }
}

/**
 * What an aborted wait rejects with: the signal's reason when it is an Error (abort()'s AbortError,
 * AbortSignal.timeout()'s TimeoutError, a caller's own), else an Error that carries it as its cause.
 */
function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('the wait for a host slot was aborted', { cause: reason });
}
