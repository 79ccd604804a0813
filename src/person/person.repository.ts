import type { EntityManager } from 'typeorm';
import { dynamicSql, sql, writeRows, type SqlExecutor } from '../db/sql-executor';
import { SqlParams } from '../db/sql-params';
import type { KeysetPage, NameIdKey } from '../db/keyset';
import { PERSON_TABLE, type PersonRecord } from './person.record';

export const PERSON_COLUMNS = PERSON_TABLE.selectList;

/** Person's fields and their columns, for reads that fetch only what was selected. */
export const PERSON_MAP = PERSON_TABLE.map;

const BY_IDS = sql('person_by_ids', `SELECT ${PERSON_COLUMNS} FROM person p WHERE p.id = ANY($1::uuid[])`);
const BY_SLUG = sql('person_by_slug', `SELECT ${PERSON_COLUMNS} FROM person p WHERE p.slug = $1`);

export interface PersonWrite {
  slug: string;
  name: string;
  aliases: string[];
  description: string | null;
  searchText: string;
}

export class PersonRepository {
  constructor(private readonly db: SqlExecutor) {}

  async findByIds(ids: readonly string[]): Promise<PersonRecord[]> {
    return this.db.rows<PersonRecord>(BY_IDS, [ids]);
  }

  async findBySlug(slug: string): Promise<PersonRecord | null> {
    const [row] = await this.db.rows<PersonRecord>(BY_SLUG, [slug]);
    return row ?? null;
  }

  /**
   * Alphabetical keyset page, optionally narrowed by a normalised search: a substring of the name
   * or any alias, or a trigram word match (so `পুতিনের` finds পুতিন).
   */
  async list(search: string | null, { limit, after, backward: descending }: KeysetPage<NameIdKey>): Promise<PersonRecord[]> {
    const params = new SqlParams();
    const conditions = search ? [searchCondition(search, params)] : [];
    if (after) conditions.push(`(p.name, p.id) ${descending ? '<' : '>'} (${params.add(after.name)}, ${params.add(after.id, 'uuid')})`);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const dir = descending ? 'DESC' : 'ASC';
    const text = `SELECT ${PERSON_COLUMNS} FROM person p ${where} ORDER BY p.name ${dir}, p.id ${dir} LIMIT ${params.add(limit + 1)}`;
    return this.db.rows<PersonRecord>(dynamicSql('person_list', text), params.values);
  }

  /** Every person's id, name and aliases: what bylines and mentions are matched against. */
  async listAliases(): Promise<Array<{ id: string; slug: string; name: string; aliases: string[] }>> {
    return this.db.rows(ALIASES);
  }

  async count(search: string | null): Promise<number> {
    const params = new SqlParams();
    const where = search ? `WHERE ${searchCondition(search, params)}` : '';
    const [row] = await this.db.rows<{ count: number }>(dynamicSql('person_count', `SELECT count(*)::int AS count FROM person p ${where}`), params.values);
    return row?.count ?? 0;
  }
}

const UPSERT_BY_SLUG = sql(
  'person_upsert_by_slug',
  `INSERT INTO person (slug, name, aliases, description, search_text) VALUES ($1, $2, $3, $4, $5)
   ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, aliases = EXCLUDED.aliases,
     description = EXCLUDED.description, search_text = EXCLUDED.search_text, updated_at = now()
   WHERE (person.name, person.aliases, person.description) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.aliases, EXCLUDED.description)
   RETURNING id`,
);
const IDS_BY_SLUGS = sql('person_ids_by_slugs', 'SELECT id, slug FROM person WHERE slug = ANY($1::text[])');
const ALIASES = sql('person_aliases', 'SELECT id, slug, name, aliases FROM person');
// The people the statement inserted, and the ids of those whose slug was taken already: one
// round trip for a batch's new bylines. A slug taken by a writer that commits while this runs is
// absent from both (the statement's snapshot predates it): insertPeopleIfAbsent looks it up after.
const INSERT_MANY_IF_ABSENT = sql(
  'person_insert_many_if_absent',
  `WITH input AS (
     SELECT t.slug, t.name, t.search_text, t.ord FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(slug, name, search_text, ord)
   ), inserted AS (
     INSERT INTO person (slug, name, aliases, description, search_text)
     SELECT i.slug, i.name, ARRAY[i.name], NULL, i.search_text FROM input i ORDER BY i.ord
     ON CONFLICT (slug) DO NOTHING
     RETURNING id, slug
   )
   SELECT i.slug, COALESCE(n.id, p.id) AS id FROM input i LEFT JOIN inserted n ON n.slug = i.slug LEFT JOIN person p ON p.slug = i.slug
   ORDER BY i.ord`,
);

/** A person first met in a byline: the name is its only alias, the search text its normalised name. */
export interface NewPersonWrite {
  slug: string;
  name: string;
  searchText: string;
}

/**
 * People first met in bylines (distinct slugs), in one statement: each inserted when its slug is
 * free, otherwise the existing person with that slug is returned untouched (ingestion never
 * rewrites a curated person's aliases). Returns the ids by slug.
 */
export async function insertPeopleIfAbsent(manager: EntityManager, people: readonly NewPersonWrite[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (people.length === 0) return ids;
  const rows = await writeRows<{ slug: string; id: string | null }>(manager, INSERT_MANY_IF_ABSENT, [
    people.map((person) => person.slug),
    people.map((person) => person.name),
    people.map((person) => person.searchText),
  ]);
  for (const row of rows) if (row.id) ids.set(row.slug, row.id);
  const missing = people.filter((person) => !ids.has(person.slug)).map((person) => person.slug);
  if (missing.length > 0) {
    for (const row of await writeRows<{ slug: string; id: string }>(manager, IDS_BY_SLUGS, [missing])) ids.set(row.slug, row.id);
  }
  return ids;
}

/** Inserts or updates by slug; an unchanged person is left untouched. Returns the id. */
export async function upsertPersonBySlug(manager: EntityManager, person: PersonWrite): Promise<string> {
  const rows = await writeRows<{ id: string }>(manager, UPSERT_BY_SLUG, [person.slug, person.name, person.aliases, person.description, person.searchText]);
  if (rows[0]) return rows[0].id;
  const [existing] = await writeRows<{ id: string }>(manager, IDS_BY_SLUGS, [[person.slug]]);
  return existing!.id;
}

function searchCondition(search: string, params: SqlParams): string {
  const value = params.add(search);
  return `(strpos(p.search_text, ${value}) > 0 OR ${value} <% p.search_text)`;
}
