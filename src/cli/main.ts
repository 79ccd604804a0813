#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import pkg from '../../package.json';
import { loadConfig } from '../config/config';
import { COMMANDS } from './commands';
import { EXIT_CODES_HELP, errorLine, exitCodeFor } from '../composition/exit-codes';
import { addExamples } from './help';

/**
 * `newsgate <command>`: one entry point for operators. Each domain registers its own commands in
 * ./commands.ts; they share the configuration and database set-up in ./cli-context.ts. Whatever a
 * command throws ends here: one line on stderr and the exit code of ./errors.ts.
 */
export function buildProgram(): Command {
  const program = new Command()
    .name('newsgate')
    .description('newsgate: a GraphQL gateway that aggregates news in any language and script.\nConfigured by environment variables (see the README); results go to stdout, messages and progress to stderr.')
    .version(pkg.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for the command')
    .helpCommand('help [command]', 'show help for a command')
    // Commander's parse errors are thrown (not exited on), so they get the usage exit code; set
    // before the commands are added, which inherit it.
    .exitOverride()
    .addHelpText('after', EXIT_CODES_HELP);
  for (const register of COMMANDS) register(program);
  addExamples(program);
  return program;
}

/** LOG_LEVEL=debug or trace: errors come with their stack trace. */
function stackTracesWanted(): boolean {
  try {
    return ['debug', 'trace'].includes(loadConfig().logLevel);
  } catch {
    return false;
  }
}

export async function run(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const line = errorLine(error);
    if (line !== null) {
      process.stderr.write(`${line}\n`);
      if (error instanceof Error && error.stack && stackTracesWanted()) process.stderr.write(`${error.stack}\n`);
    }
    process.exit(exitCodeFor(error));
  }
}

if (require.main === module) void run(process.argv);
