import { CommanderError } from 'commander';
import { BadUserInputError, DatabaseUnavailableError, DomainError, NotFoundError } from '../common/errors/domain-errors';
import { ConfigError } from '../config/config';
import { EmbeddedDatabaseError } from '../db/embedded/embedded-database';

/**
 * The exit codes of `newsgate`, the one contract scripts rely on. Every command throws; only
 * src/cli/main.ts turns what was thrown into a code and one line on stderr (exitCodeFor, errorLine).
 */
export const ExitCode = {
  /** Done. */
  OK: 0,
  /** The command ran and failed: a refresh whose feeds failed, anything unexpected. */
  FAILURE: 1,
  /** Unknown command or option, a missing or bad argument, invalid configuration. */
  USAGE: 2,
  /**
   * The database cannot be reached or opened (an embedded one in use by a process that does not
   * share it, or damaged), or its migrations failed.
   */
  DATABASE: 3,
  /** What the command names does not exist (a key's id, a source's slug). */
  NOT_FOUND: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The table printed by `newsgate --help` (the README carries the same one). */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  failure: the command ran and failed (e.g. a refresh whose feeds failed)
  2  usage: unknown command or option, bad argument, invalid configuration
  3  database unreachable, in use by another process, damaged, or a migration failed
  4  not found (e.g. keys revoke <unknown id>, sources refresh <unknown slug>)

Errors are one line on stderr (with a stack trace when LOG_LEVEL=debug); results go to stdout.`;

/** An error meant for the operator: its message is printed as is, and the process exits with its code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.FAILURE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/**
 * A failure to open (connect to, or migrate) the database: exit code 3, with the driver's reason.
 * The embedded database's own refusals (in use, damaged) are whole sentences with the way out.
 */
export function databaseFailure(error: unknown): CliError {
  if (error instanceof EmbeddedDatabaseError) return new CliError(error.message, ExitCode.DATABASE, { cause: error });
  return new CliError(`the database could not be opened: ${reasonOf(error)}`, ExitCode.DATABASE, { cause: error });
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** Connection refused, unknown host, authentication or a database that does not exist (SQLSTATE 08, 28, 3D, 57P). */
function isDatabaseUnreachable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return NETWORK_CODES.has(code) || /^(08|28|3D|57P)/.test(code);
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof EmbeddedDatabaseError) return ExitCode.DATABASE;
  // Commander's own: --help and --version are 0, every parse error (unknown command, option, bad or
  // missing argument, a command group run without its subcommand) is a usage error.
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  if (error instanceof ConfigError) return ExitCode.USAGE;
  if (error instanceof NotFoundError) return ExitCode.NOT_FOUND;
  if (error instanceof BadUserInputError) return ExitCode.USAGE;
  if (isDatabaseUnreachable(error)) return ExitCode.DATABASE;
  return ExitCode.FAILURE;
}

/** Database URLs may carry a password: never printed. */
function redact(text: string): string {
  return text.replace(/\b(postgres(?:ql)?|rediss?):\/\/\S+/gi, '$1://[redacted]');
}

/** The first useful message of an error (Node's AggregateError of a refused dual-stack connect has none). */
function reasonOf(error: unknown): string {
  if (error instanceof ConfigError) return `invalid configuration: ${error.problems.join('; ')}`;
  if (error instanceof AggregateError && !error.message && error.errors.length > 0) return reasonOf(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message || (typeof code === 'string' ? code : error.name);
    return redact(message.split('\n').filter((line) => line.trim() !== '').join(' ').trim());
  }
  return redact(String(error));
}

/** The one line printed for an error (commander prints its own before throwing, so nothing then). */
export function errorLine(error: unknown): string | null {
  if (error instanceof CommanderError) return null;
  if (error instanceof DomainError && error.cause && !(error instanceof NotFoundError) && !(error instanceof BadUserInputError)) {
    // A masked database error says little; the operator is owed the driver's reason.
    return `error: ${reasonOf(error)} (${reasonOf(error.cause)})`;
  }
  return `error: ${reasonOf(error)}`;
}
