/**
 * Work still running for requests, whether or not their clients are still there. Shutdown waits
 * on this, not on open connections: a client that gave up closes its connection at once, while its
 * handler goes on using the database, which must not be closed under it.
 */
export class InFlightWork {
  private running = 0;
  private waiters: Array<() => void> = [];

  track(work: Promise<unknown>): void {
    this.running++;
    const done = () => {
      this.running--;
      if (this.running === 0) for (const resolve of this.waiters.splice(0)) resolve();
    };
    // Both outcomes count as done; the failure itself is the caller's to handle (finally() would
    // hand it on to a promise nobody awaits: an unhandled rejection).
    work.then(done, done);
  }

  /** Resolves once nothing is running. */
  idle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
