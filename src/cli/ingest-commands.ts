import type { Command } from 'commander';
import { withCliContext } from './cli-context';
import { consoleOutput, untilSignal, type CliRunner, type CommandOutput, type StopSignal } from './command-io';
import { registerSourceCommands } from './source-commands';
import { registerWorkerCommand } from './worker-command';

/**
 * `newsgate sources …` and `newsgate worker`: the same services as the admin mutations and
 * `npm start`. Tests pass their own database, output and stop signal.
 */
export function registerIngestCommands(
  program: Command,
  run: CliRunner = withCliContext,
  out: CommandOutput = consoleOutput,
  stopSignal: StopSignal = untilSignal,
): void {
  registerSourceCommands(program, run, out);
  registerWorkerCommand(program, run, stopSignal);
}
