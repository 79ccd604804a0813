/** Runs due sources on their schedule until stopped: the pg-boss queue or the in-process scheduler. */
export interface IngestWorker {
  readonly kind: 'pg-boss' | 'in-process';
  start(): Promise<void>;
  /** Stops taking work and waits (a bounded time) for runs in progress to end. */
  stop(): Promise<void>;
}
