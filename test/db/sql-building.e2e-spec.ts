import { ChangeSignals } from '../../src/db/change-signals';
import { coversAll, selectColumns, type ColumnMap } from '../../src/db/column-selection';
import { SqlExecutor, dynamicSql } from '../../src/db/sql-executor';
import { SqlParams } from '../../src/db/sql-params';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The pieces SQL is assembled from (positional parameters, selection-driven columns), run on a
 * real database of its own so the SQL they make is the database's judgement, not a string
 * compare; and the change signals the embedded database's processes share.
 */
describe('assembling SQL', () => {
  let database: TestDatabase;
  let db: SqlExecutor;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new SqlExecutor(database.handle.dataSource, database.handle.isOpen);
  });
  afterAll(() => database?.drop());

  describe('SqlParams', () => {
    it('numbers placeholders in the order values are added, with a cast where asked', () => {
      const params = new SqlParams();
      expect(params.add('a')).toBe('$1');
      expect(params.add(['x', 'y'], 'text[]')).toBe('$2::text[]');
      expect(params.add(null, 'timestamptz')).toBe('$3::timestamptz');
      expect(params.values).toEqual(['a', ['x', 'y'], null]);
    });

    it('gives the database each value with the type its placeholder says', async () => {
      const params = new SqlParams();
      const text = `SELECT ${params.add('café ☕')} AS word, ${params.add(['a', 'b'], 'text[]')} AS list, ${params.add('2025-09-03T12:00:00Z', 'timestamptz')} AS at, ${params.add(null, 'uuid')} AS nothing, ${params.add(41, 'int')} + 1 AS answer`;
      const [row] = await db.rows<{ word: string; list: string[]; at: Date; nothing: null; answer: number }>(dynamicSql('params_probe', text), params.values);
      expect(row).toEqual({ word: 'café ☕', list: ['a', 'b'], at: new Date('2025-09-03T12:00:00Z'), nothing: null, answer: 42 });
    });

    it('keeps a value a value, whatever it holds (no SQL through a parameter)', async () => {
      const params = new SqlParams();
      const hostile = `'; DROP TABLE source; --`;
      const [row] = await db.rows<{ value: string }>(dynamicSql('params_hostile', `SELECT ${params.add(hostile)}::text AS value`), params.values);
      expect(row!.value).toBe(hostile);
      expect(await db.rows(dynamicSql('params_source_still_there', 'SELECT count(*) FROM source'))).toHaveLength(1);
    });
  });

  describe('selectColumns and coversAll', () => {
    const MAP: ColumnMap = {
      required: { id: 't.id', sortKey: 't.published_at' },
      optional: { title: 't.title', summary: 'upper(t.title)', words: 'array_length(string_to_array(t.title, \' \'), 1)' },
    };
    const FROM = `FROM (VALUES (7, timestamptz '2025-09-03 12:00Z', 'two words')) AS t(id, published_at, title)`;

    async function select(selected: ReadonlySet<string> | 'all') {
      const [row] = await db.rows<Record<string, unknown>>(dynamicSql('columns_probe', `SELECT ${selectColumns(MAP, selected, 'a.')} ${FROM}`));
      return row!;
    }

    it('fetches the required columns and only the selected optional ones, under prefixed names', async () => {
      expect(await select(new Set(['title']))).toEqual({ 'a.id': 7, 'a.sortKey': new Date('2025-09-03T12:00:00Z'), 'a.title': 'two words' });
      expect(await select(new Set())).toEqual({ 'a.id': 7, 'a.sortKey': new Date('2025-09-03T12:00:00Z') });
      expect(await select(new Set(['words', 'unknown']))).toEqual({ 'a.id': 7, 'a.sortKey': new Date('2025-09-03T12:00:00Z'), 'a.words': 2 });
    });

    it('fetches every column for "all", in the map’s order', async () => {
      const row = await select('all');
      expect(Object.keys(row)).toEqual(['a.id', 'a.sortKey', 'a.title', 'a.summary', 'a.words']);
      expect(row['a.summary']).toBe('TWO WORDS');
    });

    it('a selection covers the map when it holds every optional field', () => {
      expect(coversAll(MAP, new Set(['title', 'summary', 'words']))).toBe(true);
      expect(coversAll(MAP, new Set(['title', 'summary', 'words', 'id', 'other']))).toBe(true);
      expect(coversAll(MAP, new Set(['title', 'summary']))).toBe(false);
      expect(coversAll({ required: { id: 'id' }, optional: {} }, new Set())).toBe(true);
    });
  });
});

describe('ChangeSignals', () => {
  it('counts bumps of each name apart, starting at "0"', async () => {
    const signals = new ChangeSignals();
    const articles = signals.generation('articles');
    const keys = signals.generation('api-keys');
    expect(await articles.current()).toBe('0');
    await articles.bump();
    await articles.bump();
    expect(await articles.current()).toBe('2');
    expect(await keys.current()).toBe('0');
    expect(signals.generation('articles')).toBe(articles);
  });

  it('a bump from another process counts as one of its own; names outside [a-z0-9-]{1,64} are ignored', async () => {
    const signals = new ChangeSignals();
    signals.received('articles');
    signals.received('Articles');
    signals.received('articles; DROP');
    signals.received('');
    signals.received('x'.repeat(65));
    expect(await signals.generation('articles').current()).toBe('1');
  });

  it('tells the other processes of each bump after counting it', async () => {
    const told: Array<[string, string]> = [];
    const signals: ChangeSignals = new ChangeSignals(async (name) => {
      told.push([name, await signals.generation(name).current()]);
    });
    await signals.generation('api-keys').bump();
    expect(told).toEqual([['api-keys', '1']]);
  });

  it('a bump whose broadcast fails rejects, and is still counted here', async () => {
    const signals = new ChangeSignals(() => Promise.reject(new Error('the owner is gone')));
    await expect(signals.generation('articles').bump()).rejects.toThrow('the owner is gone');
    expect(await signals.generation('articles').current()).toBe('1');
  });
});
