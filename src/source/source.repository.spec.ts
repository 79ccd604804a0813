import { SqlExecutor } from '../db/sql-executor';
import { buildFixtures, type Fixtures } from '../../test/support/fixtures';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { SourceRepository } from './source.repository';

describe('SourceRepository', () => {
  let database: TestDatabase;
  let fx: Fixtures;
  let sources: SourceRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = new SqlExecutor(database.handle.dataSource, database.handle.isOpen);
    fx = await buildFixtures(db, { articles: 5, feedItems: 5 });
    sources = new SourceRepository(db);
  });
  afterAll(() => database?.drop());

  it('returns sources as plain records of the table', async () => {
    const source = fx.sources[0]!;
    const { id: _globalId, ...expected } = source;
    expect(await sources.findBySlug(source.slug)).toStrictEqual(expected);
    expect(await sources.findByIds([source.dbId])).toStrictEqual([expected]);
    expect(await sources.findBySlug('nobody')).toBeNull();
  });

  it('pages sources alphabetically both ways', async () => {
    const names = fx.sources.map((s) => s.name).sort();
    const first = await sources.list({ limit: 2, after: null, backward: false });
    expect(first.map((s) => s.name)).toEqual(names.slice(0, 3));
    const next = await sources.list({ limit: 2, after: { name: first[1]!.name, id: first[1]!.dbId }, backward: false });
    expect(next.map((s) => s.name)).toEqual(names.slice(2));
    const back = await sources.list({ limit: 5, after: { name: next[0]!.name, id: next[0]!.dbId }, backward: true });
    expect(back.map((s) => s.name)).toEqual(names.slice(0, 2).reverse());
    expect(await sources.count()).toBe(fx.sources.length);
  });
});
