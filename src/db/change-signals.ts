import type { DataSource } from 'typeorm';

/**
 * Generations that change when data cached by the gateway may be stale: the response cache ends
 * when articles are stored, remembered API keys are forgotten when one is revoked. They match
 * syndication's CacheGeneration (current, bump).
 */
export interface ChangeGeneration {
  current(): Promise<string>;
  bump(): Promise<void>;
}

const NAME = /^[a-z0-9-]{1,64}$/;

/**
 * Named change signals of one embedded database, seen by every process that uses it. The process
 * that owns the data directory counts them in memory; a newsgate command that reaches the
 * database through the owner's socket also sends each bump as a NOTIFY, which the owner receives
 * (PgliteHost's onNotification) and counts as its own, so a key revoked or a seed run from the
 * command line ends the gateway's cached copies before its next request. Postgres (DATABASE_URL)
 * has none of these: its gateways share Redis instead.
 */
export class ChangeSignals {
  private readonly counts = new Map<string, number>();
  private readonly generations = new Map<string, ChangeGeneration>();

  /** `broadcast` tells the other processes (the owner), or is null in the owner itself. */
  constructor(private readonly broadcast: ((name: string) => Promise<void>) | null = null) {}

  generation(name: string): ChangeGeneration {
    let generation = this.generations.get(name);
    if (!generation) {
      generation = {
        current: async () => String(this.counts.get(name) ?? 0),
        bump: async () => {
          this.received(name);
          await this.broadcast?.(name);
        },
      };
      this.generations.set(name, generation);
    }
    return generation;
  }

  /** Another process bumped `name`. */
  received(name: string): void {
    if (NAME.test(name)) this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
}

const byDataSource = new WeakMap<DataSource, ChangeSignals>();

export function attachChangeSignals(dataSource: DataSource, signals: ChangeSignals): void {
  byDataSource.set(dataSource, signals);
}

/** The embedded database's change signals, or null on Postgres. */
export function changeSignalsOf(dataSource: DataSource): ChangeSignals | null {
  return byDataSource.get(dataSource) ?? null;
}
