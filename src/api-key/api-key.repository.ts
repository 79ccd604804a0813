import { sql, type SqlExecutor } from '../db/sql-executor';
import type { ApiKeyRecord } from './api-key.record';

const COLUMNS = `k.id, k.key_id AS "keyId", k.name, k.secret_hash AS "secretHash", k.allowed_origins AS "allowedOrigins",
  k.allowed_operations AS "allowedOperations", k.created_at AS "createdAt", k.revoked_at AS "revokedAt"`;

type ApiKeyRow = Omit<ApiKeyRecord, '__typename'>;

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return Object.assign(row, { __typename: 'ApiKey' as const });
}

const BY_KEY_ID = sql('api_key_by_key_id', `SELECT ${COLUMNS} FROM api_key k WHERE k.key_id = $1`);
const LIST = sql('api_key_list', `SELECT ${COLUMNS} FROM api_key k ORDER BY k.created_at DESC, k.id`);
const INSERT = sql(
  'api_key_insert',
  `INSERT INTO api_key (key_id, name, secret_hash, allowed_origins, allowed_operations) VALUES ($1, $2, $3, $4, $5)
   RETURNING id, key_id AS "keyId", name, secret_hash AS "secretHash", allowed_origins AS "allowedOrigins",
     allowed_operations AS "allowedOperations", created_at AS "createdAt", revoked_at AS "revokedAt"`,
);
// Revoking twice keeps the first time: the row says when the key really stopped working.
const REVOKE = sql(
  'api_key_revoke',
  `UPDATE api_key SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1
   RETURNING id, key_id AS "keyId", name, secret_hash AS "secretHash", allowed_origins AS "allowedOrigins",
     allowed_operations AS "allowedOperations", created_at AS "createdAt", revoked_at AS "revokedAt"`,
);
const ORIGIN_IN_USE = sql(
  'api_key_origin_in_use',
  `SELECT EXISTS (SELECT 1 FROM api_key WHERE revoked_at IS NULL AND $1 = ANY(allowed_origins)) AS "inUse"`,
);

export interface ApiKeyInsert {
  keyId: string;
  name: string;
  secretHash: string;
  allowedOrigins: string[];
  allowedOperations: string[] | null;
}

export class ApiKeyRepository {
  constructor(private readonly db: SqlExecutor) {}

  async findByKeyId(keyId: string): Promise<ApiKeyRecord | null> {
    const [row] = await this.db.rows<ApiKeyRow>(BY_KEY_ID, [keyId]);
    return row ? toRecord(row) : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.db.rows<ApiKeyRow>(LIST)).map(toRecord);
  }

  async insert(key: ApiKeyInsert): Promise<ApiKeyRecord> {
    const [row] = await this.db.rows<ApiKeyRow>(INSERT, [key.keyId, key.name, key.secretHash, key.allowedOrigins, key.allowedOperations]);
    return toRecord(row!);
  }

  async revoke(id: string): Promise<ApiKeyRecord | null> {
    const [row] = await this.db.rows<ApiKeyRow>(REVOKE, [id]);
    return row ? toRecord(row) : null;
  }

  /** Whether any live key lets this browser origin in (answers CORS preflights, which carry no key). */
  async originInUse(origin: string): Promise<boolean> {
    const [row] = await this.db.rows<{ inUse: boolean }>(ORIGIN_IN_USE, [origin]);
    return row?.inUse ?? false;
  }
}
