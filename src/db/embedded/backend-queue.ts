import type { Session, Status } from './pglite-session';
import * as wire from './wire';

/** Messages of the extended query protocol: their effects last until the next Sync. */
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map(wire.code));
const SYNC = wire.code('S');

/**
 * The queue for PGlite's one backend. A session that starts a transaction (or a statement sequence
 * of the extended protocol) holds the backend until it is idle again, as ReadyForQuery reports
 * after its Sync; every other session waits its turn.
 */
export class BackendQueue {
  private holding: Session | null = null;
  private readonly waiting: Array<{ session: Session; grant: () => void }> = [];
  private readonly onRelease: Array<() => void> = [];

  /** `heldIdle` is told when a client session keeps the backend after a message (mid-transaction). */
  constructor(private readonly heldIdle: (session: Session) => void) {}

  get holder(): Session | null {
    return this.holding;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Resolves the next time any session lets go of the backend. */
  released(): Promise<void> {
    return new Promise<void>((resolve) => this.onRelease.push(resolve));
  }

  /** Runs one message of `session` once the backend is free for it, and keeps it while the session is mid-transaction. */
  run<T>(session: Session, type: number, exec: () => Promise<{ value: T; status: Status }>): Promise<T> {
    session.queued++;
    const task = session.tail.then(async () => {
      await this.acquire(session);
      session.clearIdle();
      let status: Status = null;
      let failed = false;
      try {
        const result = await exec();
        status = result.status;
        return result.value;
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        session.queued--;
        if (EXTENDED.has(type)) session.extendedPending = true;
        else if (type === SYNC) session.extendedPending = false;
        // A failure here is PGlite's own (it is gone): holding the backend would stop everyone.
        if (failed || (status === 'I' && !session.extendedPending)) this.release(session);
        else if (session.socket && !session.closed) this.heldIdle(session);
      }
    });
    session.tail = task.catch(() => undefined);
    return task;
  }

  private acquire(session: Session): Promise<void> | void {
    if (this.holding === session) return;
    if (this.holding === null && this.waiting.length === 0) {
      this.holding = session;
      return;
    }
    return new Promise<void>((grant) => this.waiting.push({ session, grant }));
  }

  private release(session: Session): void {
    if (this.holding !== session) return;
    this.holding = null;
    const next = this.waiting.shift();
    if (next) {
      this.holding = next.session;
      next.grant();
    }
    for (const resolve of this.onRelease.splice(0)) resolve();
  }
}
