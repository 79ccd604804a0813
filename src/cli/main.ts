#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { COMMANDS } from './commands';

/**
 * `newsgate <command>`: one entry point for operators. Each domain registers its own commands in
 * ./commands.ts; they share the configuration and database set-up in ./cli-context.ts.
 */
const program = new Command()
  .name('newsgate')
  .description('newsgate: a GraphQL gateway that aggregates news in any language and script.')
  .showHelpAfterError();

for (const register of COMMANDS) register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
