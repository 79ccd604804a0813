import type { EntityManager } from 'typeorm';
import { dynamicSql, sql, type SqlExecutor } from '../db/sql-executor';
import type { KeysetPage, NameIdKey } from '../db/keyset';
import type { SourceKind } from './source.entity';
import { SOURCE_TABLE, type SourceRecord } from './source.record';

export const SOURCE_COLUMNS = SOURCE_TABLE.selectList;

/** Source's fields and their columns, for reads that fetch only what was selected. */
export const SOURCE_MAP = SOURCE_TABLE.map;

const BY_IDS = sql('source_by_ids', `SELECT ${SOURCE_COLUMNS} FROM source s WHERE s.id = ANY($1::uuid[])`);
const BY_SLUG = sql('source_by_slug', `SELECT ${SOURCE_COLUMNS} FROM source s WHERE s.slug = $1`);
const COUNT_ALL = sql('source_count', 'SELECT count(*)::int AS count FROM source');

export interface SourceWrite {
  slug: string;
  name: string;
  aliases: string[];
  homepageUrl: string | null;
  language: string | null;
  country: string | null;
  logoUrl: string | null;
  kind: SourceKind;
}

export class SourceRepository {
  constructor(private readonly db: SqlExecutor) {}

  async findByIds(ids: readonly string[]): Promise<SourceRecord[]> {
    return this.db.rows<SourceRecord>(BY_IDS, [ids]);
  }

  async findBySlug(slug: string): Promise<SourceRecord | null> {
    const [row] = await this.db.rows<SourceRecord>(BY_SLUG, [slug]);
    return row ?? null;
  }

  /** Alphabetical keyset page plus one row (which says whether another page exists). */
  async list({ limit, after, backward: descending }: KeysetPage<NameIdKey>): Promise<SourceRecord[]> {
    const op = descending ? '<' : '>';
    const dir = descending ? 'DESC' : 'ASC';
    const where = after ? `WHERE (s.name, s.id) ${op} ($2, $3::uuid)` : '';
    const statement = dynamicSql('source_list', `SELECT ${SOURCE_COLUMNS} FROM source s ${where} ORDER BY s.name ${dir}, s.id ${dir} LIMIT $1`);
    return this.db.rows<SourceRecord>(statement, after ? [limit + 1, after.name, after.id] : [limit + 1]);
  }

  async count(): Promise<number> {
    const [row] = await this.db.rows<{ count: number }>(COUNT_ALL);
    return row?.count ?? 0;
  }

  /** Every source's id and the names it is written as: what citations and bylines are matched against. */
  async listAliases(): Promise<Array<{ id: string; name: string; aliases: string[] }>> {
    return this.db.rows(ALIASES);
  }
}

const ALIASES = sql('source_aliases', 'SELECT id, name, aliases FROM source');

const INSERT = sql(
  'source_insert',
  `INSERT INTO source (slug, name, aliases, homepage_url, language, country, logo_url, kind)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (slug) DO NOTHING RETURNING id`,
);

/** Inserts a new source; null when the slug is taken (the caller reports the conflict). */
export async function insertSource(manager: EntityManager, source: SourceWrite): Promise<string | null> {
  const values = [source.slug, source.name, source.aliases, source.homepageUrl, source.language, source.country, source.logoUrl, source.kind];
  const rows = (await manager.query(INSERT.text, values)) as Array<{ id: string }>;
  return rows[0]?.id ?? null;
}

export type SourcePatch = Partial<Pick<SourceWrite, 'name' | 'aliases' | 'homepageUrl' | 'language' | 'country' | 'logoUrl' | 'kind'>>;

const PATCH_COLUMNS: Record<keyof SourcePatch, string> = {
  name: 'name',
  aliases: 'aliases',
  homepageUrl: 'homepage_url',
  language: 'language',
  country: 'country',
  logoUrl: 'logo_url',
  kind: 'kind',
};

/** Changes the given columns; updated_at moves only when a value really changes. False when there is no such source. */
export async function updateSource(manager: EntityManager, id: string, patch: SourcePatch): Promise<boolean> {
  const entries = (Object.keys(PATCH_COLUMNS) as Array<keyof SourcePatch>).filter((key) => patch[key] !== undefined);
  if (entries.length === 0) return sourceExists(manager, id);
  const columns = entries.map((key) => PATCH_COLUMNS[key]);
  const sets = columns.map((column, i) => `${column} = $${i + 2}`).join(', ');
  const changed = columns.map((column, i) => `source.${column} IS DISTINCT FROM $${i + 2}`).join(' OR ');
  await manager.query(`UPDATE source SET ${sets}, updated_at = now() WHERE id = $1 AND (${changed})`, [id, ...entries.map((key) => patch[key])]);
  return sourceExists(manager, id);
}

export async function sourceExists(manager: EntityManager, id: string): Promise<boolean> {
  return ((await manager.query('SELECT 1 FROM source WHERE id = $1', [id])) as unknown[]).length > 0;
}

/** Deletes the source with everything that belongs to it (articles, feed items: ON DELETE CASCADE). */
export async function deleteSource(manager: EntityManager, id: string): Promise<{ articlesDeleted: number }> {
  const [counted] = (await manager.query('SELECT count(*)::int AS n FROM article WHERE source_id = $1', [id])) as Array<{ n: number }>;
  await manager.query('DELETE FROM source WHERE id = $1', [id]);
  return { articlesDeleted: counted?.n ?? 0 };
}

/**
 * Inserts or updates by slug and returns the id. A row whose values are unchanged is left alone
 * (updated_at included), so seeding or re-ingesting the same data twice changes nothing.
 */
export async function upsertSourceBySlug(manager: EntityManager, source: SourceWrite): Promise<string> {
  const values = [source.slug, source.name, source.aliases, source.homepageUrl, source.language, source.country, source.logoUrl, source.kind];
  const rows = (await manager.query(UPSERT_BY_SLUG.text, values)) as Array<{ id: string }>;
  if (rows[0]) return rows[0].id;
  const [existing] = (await manager.query(ID_BY_SLUG.text, [source.slug])) as Array<{ id: string }>;
  return existing!.id;
}

const UPSERT_BY_SLUG = sql(
  'source_upsert_by_slug',
  `INSERT INTO source (slug, name, aliases, homepage_url, language, country, logo_url, kind)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
   ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, aliases = EXCLUDED.aliases,
     homepage_url = EXCLUDED.homepage_url, language = EXCLUDED.language, country = EXCLUDED.country,
     logo_url = EXCLUDED.logo_url, kind = EXCLUDED.kind, updated_at = now()
   WHERE (source.name, source.aliases, source.homepage_url, source.language, source.country, source.logo_url, source.kind)
     IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.aliases, EXCLUDED.homepage_url, EXCLUDED.language, EXCLUDED.country, EXCLUDED.logo_url, EXCLUDED.kind)
   RETURNING id`,
);
const ID_BY_SLUG = sql('source_id_by_slug', 'SELECT id FROM source WHERE slug = $1');
