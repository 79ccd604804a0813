import type { CliContext, CliContextOptions } from './cli-context';

/** Runs a command with a configured, migrated database; tests pass their own. */
export type CliRunner = <T>(work: (ctx: CliContext) => Promise<T>, options?: CliContextOptions) => Promise<T>;

export interface CommandOutput {
  /** Results, for scripts (stdout). */
  log(line: string): void;
  /** Messages for a person (stderr); `log` when not given. */
  info?(line: string): void;
}

/** Waits for SIGINT or SIGTERM (a long-running command's lifetime); tests pass a promise of their own. */
export type StopSignal = () => Promise<void>;

export const untilSignal: StopSignal = () =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

export const consoleOutput: CommandOutput = { log: (line) => console.log(line), info: (line) => console.error(line) };

/** Where messages for a person go. */
export function infoOf(out: CommandOutput): (line: string) => void {
  return (line) => (out.info ?? out.log)(line);
}
