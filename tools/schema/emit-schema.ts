import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { printGatewaySchema } from '../../src/api/schema';
import { readIntendedBreakingChanges } from './schema-breaking';
import { diffSchemas, formatSchemaDiff } from './schema-diff';

/**
 * `npm run schema:emit` writes schema/schema.graphql, first warning about breaking changes against
 * the file it replaces; `-- --check` fails when it is stale.
 */
const target = path.resolve(__dirname, '../../schema/schema.graphql');
const printed = printGatewaySchema();
let committed = '';
try {
  committed = readFileSync(target, 'utf8');
} catch {
  // missing counts as stale
}
if (process.argv.includes('--check')) {
  if (committed !== printed) {
    console.error('schema/schema.graphql is stale: run `npm run schema:emit` and commit it.');
    process.exit(1);
  }
  console.log('schema/schema.graphql is up to date.');
} else {
  void (async () => {
    if (committed && committed !== printed) await warnAboutBreakingChanges(committed);
    writeFileSync(target, printed);
    console.log(`Wrote ${path.relative(process.cwd(), target)}`);
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

async function warnAboutBreakingChanges(previous: string): Promise<void> {
  let report;
  try {
    report = await diffSchemas(previous, printed, readIntendedBreakingChanges());
  } catch (error) {
    console.warn(`warning: could not compare with the previous schema/schema.graphql: ${(error as Error).message}`);
    return;
  }
  if (report.breaking.length === 0) return;
  console.warn(`warning: this replaces schema/schema.graphql with a schema that breaks clients of the previous one:\n${formatSchemaDiff(report, { onlyBreaking: true })}`);
  if (report.unintended.length > 0) {
    console.warn('`npm run schema:breaking` (CI) fails until each one is marked in schema/intended-breaking-changes.json (see README).');
  }
}
