import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { printGatewaySchema, printSubgraphSchema } from '../../src/api/schema';
import { readIntendedBreakingChanges } from './schema-breaking';
import { diffSchemas, formatSchemaDiff } from './schema-diff';

/**
 * `npm run schema:emit` writes schema/schema.graphql (the schema apps see), first warning about
 * breaking changes against the file it replaces, and schema/subgraph.graphql (the Apollo Federation
 * subgraph SDL `_service { sdl }` answers); `-- --check` fails when either is stale.
 */
const root = path.resolve(__dirname, '../..');
const targets = [
  { file: path.join(root, 'schema/schema.graphql'), printed: printGatewaySchema(), checkBreaking: true },
  { file: path.join(root, 'schema/subgraph.graphql'), printed: printSubgraphSchema(), checkBreaking: false },
];

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // missing counts as stale
  }
}

if (process.argv.includes('--check')) {
  let stale = false;
  for (const { file, printed } of targets) {
    const name = path.relative(root, file);
    if (read(file) !== printed) {
      console.error(`${name} is stale: run \`npm run schema:emit\` and commit it.`);
      stale = true;
    } else {
      console.log(`${name} is up to date.`);
    }
  }
  if (stale) process.exit(1);
} else {
  void (async () => {
    for (const { file, printed, checkBreaking } of targets) {
      const committed = read(file);
      if (checkBreaking && committed && committed !== printed) await warnAboutBreakingChanges(committed, printed);
      writeFileSync(file, printed);
      console.log(`Wrote ${path.relative(process.cwd(), file)}`);
    }
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

async function warnAboutBreakingChanges(previous: string, printed: string): Promise<void> {
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
