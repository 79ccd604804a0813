import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';
import { ENTITIES } from './entities';

/**
 * `npm run migration:generate -- <Name>` writes migrations/<timestamp>-<Name>.ts with the SQL that
 * takes a database built from the existing migrations to the entities' schema. It diffs against a
 * fresh in-memory PGlite, never against a developer's own database, so what it writes depends only
 * on the code. `--check` writes nothing and fails when the entities have drifted from the
 * migrations (CI runs it).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const name = args.find((arg) => !arg.startsWith('--')) ?? '';
  if (!check && !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
    console.error('usage: npm run migration:generate -- <PascalCaseName> | --check');
    process.exit(2);
  }
  const config = { ...loadConfig({}), dataDir: 'memory://' };
  const db = await openDatabase(config, { entities: ENTITIES });
  try {
    const sqlInMemory = await db.dataSource.driver.createSchemaBuilder().log();
    const up = sqlInMemory.upQueries;
    const down = sqlInMemory.downQueries.reverse();
    if (check) {
      if (up.length > 0) {
        console.error('Entities differ from the migrations; run `npm run migration:generate -- <Name>`:');
        for (const query of up) console.error(`  ${query.query}`);
        process.exit(1);
      }
      console.log('Migrations match the entities.');
      return;
    }
    if (up.length === 0) {
      console.log('No changes: the migrations already match the entities.');
      return;
    }
    const timestamp = Date.now();
    const className = `${name}${timestamp}`;
    const render = (queries: typeof up) =>
      queries
        .map((q) => `    await queryRunner.query(${JSON.stringify(q.query)}${q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : ''});`)
        .join('\n');
    const file = path.resolve(__dirname, '../../migrations', `${timestamp}-${name}.ts`);
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${render(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${render(down)}
  }
}
`,
    );
    console.log(`Wrote ${path.relative(process.cwd(), file)}; review it and add it to migrations/index.ts.`);
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
