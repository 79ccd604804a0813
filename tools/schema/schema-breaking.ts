import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { printGatewaySchema } from '../../src/api/schema';
import { diffSchemas, formatSchemaDiff, parseIntendedBreakingChanges, type IntendedBreakingChange } from './schema-diff';

/**
 * `npm run schema:breaking [-- --base <ref>]` compares the schema the code emits with
 * schema/schema.graphql as committed at a base git ref, prints every change (breaking, dangerous,
 * safe) and exits 1 on a breaking change that schema/intended-breaking-changes.json does not mark
 * as intended. The base is `--base`, else SCHEMA_BASE_REF (the npm script passes it as `--base`),
 * else the merge-base of HEAD and origin/main when that is not HEAD itself (a branch), else HEAD~1
 * (a commit on main, as CI checks it). No parent commit (a single-commit or shallow clone) or no
 * schema file at the base passes with a note. Exit 2: a bad ref or a malformed intended file.
 */

const ROOT = path.resolve(__dirname, '../..');
const SCHEMA_PATH = 'schema/schema.graphql';
const INTENDED_PATH = 'schema/intended-breaking-changes.json';

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return null;
  }
}

const commitOf = (ref: string) => git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])?.trim() || null;

type Base = { ref: string; commit: string } | { skip: string };

function resolveBase(explicit: string | undefined): Base {
  if (explicit) {
    const commit = commitOf(explicit);
    if (!commit) throw new Error(`--base ${explicit} is not a commit in this clone.`);
    return { ref: explicit, commit };
  }
  const head = commitOf('HEAD');
  if (!head) return { skip: 'not a git checkout with commits: nothing to compare with' };
  const mergeBase = git(['merge-base', 'HEAD', 'origin/main'])?.trim();
  if (mergeBase && mergeBase !== head) return { ref: 'merge-base of HEAD and origin/main', commit: mergeBase };
  const parent = commitOf('HEAD~1');
  if (!parent) return { skip: 'HEAD has no parent in this clone (a single commit or a shallow clone): nothing to compare with' };
  return { ref: 'HEAD~1', commit: parent };
}

function parseArgs(argv: string[]): { base?: string } {
  let base: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--base') base = argv[++i];
    else if (arg.startsWith('--base=')) base = arg.slice('--base='.length);
    else throw new Error(`unknown argument ${arg} (usage: npm run schema:breaking -- [--base <ref>])`);
    if (base === undefined || base === '') throw new Error('--base needs a git ref');
  }
  return { base };
}

export function readIntendedBreakingChanges(): IntendedBreakingChange[] {
  const file = path.join(ROOT, INTENDED_PATH);
  return existsSync(file) ? parseIntendedBreakingChanges(readFileSync(file, 'utf8'), INTENDED_PATH) : [];
}

async function main(): Promise<number> {
  let base: Base;
  let intended: IntendedBreakingChange[];
  try {
    base = resolveBase(parseArgs(process.argv.slice(2)).base);
    intended = readIntendedBreakingChanges();
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if ('skip' in base) {
    console.log(`Schema breaking-change check skipped: ${base.skip}.`);
    return 0;
  }
  const short = base.commit.slice(0, 12);
  if (git(['cat-file', '-e', `${base.commit}:./${SCHEMA_PATH}`]) === null) {
    console.log(`Schema breaking-change check passed: ${SCHEMA_PATH} does not exist at ${base.ref} (${short}).`);
    return 0;
  }
  const committed = git(['show', `${base.commit}:./${SCHEMA_PATH}`]);
  if (committed === null) {
    console.error(`Could not read ${SCHEMA_PATH} at ${base.ref} (${short}).`);
    return 2;
  }
  const report = await diffSchemas(committed, printGatewaySchema(), intended);
  const total = report.breaking.length + report.dangerous.length + report.safe.length;
  console.log(`Schema changes from ${SCHEMA_PATH} at ${base.ref} (${short}) to the schema the code emits: ${total === 0 ? 'none' : total}`);
  const text = formatSchemaDiff(report);
  if (text) console.log(text);
  if (report.unintended.length > 0) {
    const today = new Date().toISOString().slice(0, 10);
    console.error(
      `\n${report.unintended.length} breaking change(s) not marked as intended. Prefer a new field and ` +
        `@deprecated(reason: "...") on the old one; to break clients on purpose, add to ${INTENDED_PATH}:`,
    );
    for (const change of report.unintended) {
      console.error(`  ${JSON.stringify({ change: change.path ?? change.message, reason: 'why clients may break', date: today })}`);
    }
    return 1;
  }
  console.log(report.breaking.length > 0 ? 'Every breaking change is marked as intended.' : 'No breaking changes.');
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(2);
    },
  );
}
