import { readdirSync } from 'node:fs';
import path from 'node:path';
import { getMetadataArgsStorage } from 'typeorm';
import { ENTITIES } from './entities';

/**
 * The migration generator diffs only the entities ENTITIES lists, so an entity left off the list
 * would be a table that no migration creates and `migration:check` never notices. Every
 * `src/**\/*.entity.ts` is loaded here, and each class TypeORM registers as a table must be listed.
 */
function entityFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entityFiles(full);
    return entry.name.endsWith('.entity.ts') ? [full] : [];
  });
}

describe('the migration generator’s entity list', () => {
  it('holds every entity under src/', async () => {
    const files = entityFiles(path.resolve(__dirname, '../../src'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) await import(file);
    const tables = getMetadataArgsStorage().tables.map((table) => table.target);
    const unlisted = tables.filter((target) => typeof target === 'function' && !ENTITIES.includes(target as (typeof ENTITIES)[number])).map((target) => (target as { name: string }).name);
    expect(unlisted).toEqual([]);
    expect(ENTITIES.length).toBe(tables.length);
  });
});
