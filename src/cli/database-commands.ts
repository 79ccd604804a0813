import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type AppConfig } from '../config/config';
import { CliError, ExitCode } from '../composition/exit-codes';

/**
 * Loaded when a command runs: `--help` need not load the database code. A require(), not
 * `await import()`, for the reason given in ./commands.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
const embedded = () => require('../db/embedded/backup') as typeof import('../db/embedded/backup');

/** Backups and restores copy PGlite's data directory: Postgres has its own tools. */
function embeddedDataDir(config: AppConfig, command: 'backup' | 'restore'): string {
  if (config.databaseUrl) {
    throw new CliError(
      `${command} is for the embedded database (DATA_DIR); with DATABASE_URL set, use Postgres' own tools: pg_dump to back up, pg_restore or psql to restore`,
      ExitCode.USAGE,
    );
  }
  if (config.dataDir === 'memory://') throw new CliError(`DATA_DIR=memory:// keeps the database in memory: there is nothing to ${command}`, ExitCode.USAGE);
  return config.dataDir;
}

/** The backup module's errors as exit codes: usage 2, not found 4, failed 1 (in use or damaged: 3, from errors.ts). */
function asCliError(error: unknown): unknown {
  const { BackupError } = embedded();
  if (!(error instanceof BackupError)) return error;
  const code = error.kind === 'usage' ? ExitCode.USAGE : error.kind === 'not-found' ? ExitCode.NOT_FOUND : ExitCode.FAILURE;
  return new CliError(error.message, code, { cause: error });
}

function isInside(file: string, directory: string): boolean {
  const relative = path.relative(directory, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function exitCodes(lines: string[]): string {
  return `\nExit codes:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/** `newsgate backup <file>` and `newsgate restore <file>`, for the embedded database. */
export function registerDatabaseCommands(program: Command): void {
  program
    .command('backup <file>')
    .description(
      'save the embedded database (DATA_DIR) to <file>, a .tar.gz of its data directory; works while the gateway runs (it makes the copy between two transactions)',
    )
    .option('--force', 'overwrite <file> if it exists')
    .addHelpText(
      'after',
      exitCodes(['0  saved', '2  DATABASE_URL is set (use pg_dump), or <file> exists without --force', '3  DATA_DIR is in use by a process that does not share it, or damaged', '4  DATA_DIR holds no database']),
    )
    .action(async (file: string, options: { force?: boolean }) => {
      const config = loadConfig();
      const dataDir = embeddedDataDir(config, 'backup');
      const target = path.resolve(file);
      if (isInside(target, dataDir)) throw new CliError(`the backup cannot be written inside DATA_DIR (${dataDir}): choose a file elsewhere`, ExitCode.USAGE);
      if (existsSync(target) && !options.force) throw new CliError(`${file} exists: add --force to overwrite it`, ExitCode.USAGE);
      const backup = await embedded()
        .backupDataDir(dataDir)
        .catch((error: unknown) => {
          throw asCliError(error);
        });
      // Written aside and renamed: an interrupted backup never leaves a truncated file under the name.
      const partial = `${target}.partial-${process.pid}`;
      try {
        // Backups hold every row, partner keys' hashes included: readable by this user only.
        await writeFile(partial, backup.data, { mode: 0o600 });
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw new CliError(`cannot write ${file}: ${(error as Error).message}`, ExitCode.FAILURE);
      }
      const through = backup.through ? `, copied by the running pid ${backup.through.pid} (\`${backup.through.command}\`)` : '';
      process.stderr.write(`Saved the embedded database in ${dataDir} to ${file} (${megabytes(backup.data.length)}${through}).\n`);
    });

  program
    .command('restore <file>')
    .description(
      'replace the embedded database (DATA_DIR) with a backup from `newsgate backup`; refuses while any process uses DATA_DIR, and needs --force when it holds a database (which is then kept aside, not deleted)',
    )
    .option('--force', 'replace a DATA_DIR that holds a database; the old one is renamed to <DATA_DIR>.before-restore-<time>')
    .addHelpText(
      'after',
      exitCodes([
        '0  restored',
        '1  <file> is not a backup (DATA_DIR is left as it was)',
        '2  DATABASE_URL is set (use pg_restore or psql), or DATA_DIR holds a database and --force is missing',
        '3  a process uses DATA_DIR: stop it first',
        '4  <file> does not exist',
      ]) + '\n\nA damaged DATA_DIR is what restore --force is for: it is moved aside, never opened.',
    )
    .action(async (file: string, options: { force?: boolean }) => {
      const config = loadConfig();
      const dataDir = embeddedDataDir(config, 'restore');
      const archive = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, error.code === 'ENOENT' ? ExitCode.NOT_FOUND : ExitCode.FAILURE);
      });
      const report = await embedded()
        .restoreDataDir(dataDir, archive, file, { force: Boolean(options.force) })
        .catch((error: unknown) => {
          throw asCliError(error);
        });
      const kept = report.keptAs ? `; the database it replaced is kept in ${report.keptAs}` : '';
      process.stderr.write(`Restored the embedded database in ${dataDir} from ${file} (${report.migrations} migrations applied in it; newer ones run at the next start)${kept}.\n`);
    });
}
