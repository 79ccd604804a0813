import { keysetClauses, lateralPageSql, type KeysetColumn, type TimeIdKey, type TimePositionIdKey } from './keyset';
import { SqlParams } from './sql-params';

const NEWEST: KeysetColumn<TimeIdKey>[] = [
  { sql: 'a.published_at', descending: true, cast: 'timestamptz', value: (key) => key.publishedAt },
  { sql: 'a.id', descending: true, cast: 'uuid', value: (key) => key.id },
];
const LATEST_FEED: KeysetColumn<TimePositionIdKey>[] = [
  { sql: 'f.published_at', descending: true, cast: 'timestamptz', value: (key) => key.publishedAt },
  { sql: 'f.position', descending: false, cast: 'int', value: (key) => key.position },
  { sql: 'f.id', descending: false, cast: 'uuid', value: (key) => key.id },
];
const at = new Date('2025-06-01T00:00:00Z');
const id = '00000000-0000-4000-8000-000000000001';

describe('keysetClauses', () => {
  it('orders without a condition on the first page', () => {
    const params = new SqlParams();
    expect(keysetClauses(NEWEST, { limit: 5, backward: false, after: null }, params)).toEqual({ keyset: null, orderBy: 'a.published_at DESC, a.id DESC' });
    expect(params.values).toEqual([]);
  });

  it('compares columns of one direction as a row', () => {
    const params = new SqlParams();
    const clauses = keysetClauses(NEWEST, { limit: 5, backward: false, after: { publishedAt: at, id } }, params);
    expect(clauses).toEqual({ keyset: '(a.published_at, a.id) < ($1::timestamptz, $2::uuid)', orderBy: 'a.published_at DESC, a.id DESC' });
    expect(params.values).toEqual([at, id]);
  });

  it('reverses every column backward', () => {
    const clauses = keysetClauses(NEWEST, { limit: 5, backward: true, after: { publishedAt: at, id } }, new SqlParams());
    expect(clauses).toEqual({ keyset: '(a.published_at, a.id) > ($1::timestamptz, $2::uuid)', orderBy: 'a.published_at ASC, a.id ASC' });
  });

  it('spells out mixed directions, each value bound once', () => {
    const params = new SqlParams();
    const forward = keysetClauses(LATEST_FEED, { limit: 5, backward: false, after: { publishedAt: at, position: 3, id } }, params);
    expect(forward).toEqual({
      keyset: '(f.published_at < $1::timestamptz OR (f.published_at = $1::timestamptz AND (f.position, f.id) > ($2::int, $3::uuid)))',
      orderBy: 'f.published_at DESC, f.position ASC, f.id ASC',
    });
    expect(params.values).toEqual([at, 3, id]);
    const backward = keysetClauses(LATEST_FEED, { limit: 5, backward: true, after: { publishedAt: at, position: 3, id } }, new SqlParams());
    expect(backward).toEqual({
      keyset: '(f.published_at > $1::timestamptz OR (f.published_at = $1::timestamptz AND (f.position, f.id) < ($2::int, $3::uuid)))',
      orderBy: 'f.published_at ASC, f.position DESC, f.id DESC',
    });
  });

  it('nests one level per change of direction', () => {
    const columns: KeysetColumn<{ a: number; b: number; c: number }>[] = [
      { sql: 'a', descending: false, cast: 'int', value: (key) => key.a },
      { sql: 'b', descending: true, cast: 'int', value: (key) => key.b },
      { sql: 'c', descending: false, cast: 'int', value: (key) => key.c },
    ];
    expect(keysetClauses(columns, { limit: 1, backward: false, after: { a: 1, b: 2, c: 3 } }, new SqlParams()).keyset).toBe(
      '(a > $1::int OR (a = $1::int AND (b < $2::int OR (b = $2::int AND c > $3::int))))',
    );
  });
});

describe('lateralPageSql', () => {
  it('binds the parent ids first, then what the inner page adds', () => {
    const params = new SqlParams();
    const text = lateralPageSql(['p1', 'p2'], params, (parentId) => `SELECT x FROM t WHERE t.parent = ${parentId} LIMIT ${params.add(3)}`);
    expect(text.replace(/\s+/g, ' ')).toBe(
      'SELECT k.parent_id AS "parentId", x.* FROM unnest($1::uuid[]) AS k(parent_id) CROSS JOIN LATERAL (SELECT x FROM t WHERE t.parent = k.parent_id LIMIT $2) x',
    );
    expect(params.values).toEqual([['p1', 'p2'], 3]);
  });
});
