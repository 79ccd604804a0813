import { coversAll, columnsOf, defineTable, jsonObject, selectColumns, splitPrefixed, type RecordOf } from './column-selection';

interface ThingEntity {
  id: string;
  ownerId: string;
  name: string;
  note: string | null;
  hidden: string;
}

const c = columnsOf<ThingEntity>();
const THING = defineTable<ThingEntity>()('thing', 't', {
  dbId: c('id', 'id', { required: true }),
  ownerId: c('ownerId', 'owner_id', { required: true }),
  name: c('name', 'name'),
  note: c('note', 'note'),
});

describe('defineTable', () => {
  it('derives the full SELECT list, bare where field and column agree', () => {
    expect(THING.selectList).toBe('t.id AS "dbId", t.owner_id AS "ownerId", t.name, t.note');
    expect(THING.sql('ownerId')).toBe('t.owner_id');
  });

  it('derives the selection-driven map: required fields always, the rest when selected', () => {
    expect(THING.map).toEqual({ required: { dbId: 't.id', ownerId: 't.owner_id' }, optional: { name: 't.name', note: 't.note' } });
    expect(selectColumns(THING.map, new Set(['note']), 'thing.')).toBe('t.id AS "thing.dbId", t.owner_id AS "thing.ownerId", t.note AS "thing.note"');
    expect(selectColumns(THING.map, 'all', '')).toBe('t.id AS "dbId", t.owner_id AS "ownerId", t.name AS "name", t.note AS "note"');
    expect(coversAll(THING.map, new Set(['name']))).toBe(false);
    expect(coversAll(THING.map, new Set(['name', 'note']))).toBe(true);
  });

  it('derives a JSON object of the record shape', () => {
    expect(jsonObject(THING)).toBe("json_build_object('dbId', t.id, 'ownerId', t.owner_id, 'name', t.name, 'note', t.note)");
  });

  it('types the record from the entity', () => {
    const record: RecordOf<typeof THING> = { dbId: 'x', ownerId: 'y', name: 'n', note: null };
    // @ts-expect-error a field the table does not read is not part of the record
    const extra: RecordOf<typeof THING> = { dbId: 'x', ownerId: 'y', name: 'n', note: null, hidden: 'h' };
    expect([record, extra]).toHaveLength(2);
  });
});

describe('splitPrefixed', () => {
  it('moves prefixed keys into their own records', () => {
    expect(splitPrefixed({ dbId: '1', 'source.name': 'S', 'article.title': 'T', other: 2 }, ['source', 'article'])).toEqual({
      rest: { dbId: '1', other: 2 },
      parts: { source: { name: 'S' }, article: { title: 'T' } },
    });
  });
});
