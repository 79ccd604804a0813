import { SqlExecutor } from '../db/sql-executor';
import { buildFixtures, type Fixtures } from '../../test/support/fixtures';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { normalizeForSearch } from '../text/normalize';
import { PersonRepository } from './person.repository';

describe('PersonRepository', () => {
  let database: TestDatabase;
  let fx: Fixtures;
  let people: PersonRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = new SqlExecutor(database.handle.dataSource, database.handle.isOpen);
    fx = await buildFixtures(db, { articles: 5, feedItems: 5 });
    people = new PersonRepository(db);
  });
  afterAll(() => database?.drop());

  it('finds people by slug and by search over names and aliases', async () => {
    const person = fx.mentioned[0]!;
    const { id: _globalId, ...expected } = person;
    expect(await people.findBySlug(person.slug)).toStrictEqual(expected);
    const found = await people.list(normalizeForSearch(person.aliases.at(-1)!), { limit: 10, after: null, backward: false });
    expect(found.map((p) => p.dbId)).toContain(person.dbId);
    expect(await people.count(normalizeForSearch(person.aliases.at(-1)!))).toBe(found.length);
    const all = await people.list(null, { limit: 100, after: null, backward: false });
    expect(all.map((p) => p.name)).toEqual(fx.people.map((p) => p.name).sort());
  });
});
