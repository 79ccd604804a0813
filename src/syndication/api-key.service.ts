import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BadUserInputError, NotFoundError, UnauthenticatedError } from '../common/errors/domain-errors';
import { isOrigin } from '../config/config';
import { normalizeText } from '../text/normalize';
import type { ApiKeyRepository } from './api-key.repository';
import type { ApiKeyRecord, CreateApiKeyInput } from './api-key.types';

/** `ngk_<16 hex: key id>_<43 base64url: 256 random bits>`. The prefix makes leaked keys easy to scan for. */
const KEY_PATTERN = /^ngk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OPERATION_HASH = /^[0-9a-f]{64}$/;
const MAX_LIST = 100;

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export interface CreatedKey {
  apiKey: ApiKeyRecord;
  /** The whole key: returned once, never stored or logged. */
  secret: string;
}

export class ApiKeyService {
  constructor(private readonly keys: ApiKeyRepository) {}

  async create(input: CreateApiKeyInput): Promise<CreatedKey> {
    const name = normalizeText(input.name ?? '').trim();
    if (name.length === 0 || name.length > 200) throw new BadUserInputError('"name" must be 1 to 200 characters.', { argument: 'input.name' });
    const allowedOrigins = validateList(input.allowedOrigins ?? [], 'input.allowedOrigins', isOrigin, 'an origin such as https://partner.example');
    const allowedOperations =
      input.allowedOperations == null
        ? null
        : validateList(input.allowedOperations.map((h) => h.toLowerCase()), 'input.allowedOperations', (h) => OPERATION_HASH.test(h), 'a SHA-256 hex digest');
    const keyId = randomBytes(8).toString('hex');
    const secret = `ngk_${keyId}_${randomBytes(32).toString('base64url')}`;
    const apiKey = await this.keys.insert({ keyId, name, secretHash: hashKey(secret).toString('hex'), allowedOrigins, allowedOperations });
    return { apiKey, secret };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.keys.list();
  }

  async revoke(id: string): Promise<ApiKeyRecord> {
    if (!UUID.test(id)) throw new BadUserInputError('"id" is not an API key ID.', { argument: 'id' });
    const revoked = await this.keys.revoke(id);
    if (!revoked) throw new NotFoundError('No API key has this ID.', { argument: 'id' });
    return revoked;
  }

  /**
   * The live key this secret belongs to, or UNAUTHENTICATED. The row is found by the key's public
   * id and the hashes compared in constant time; the database is read on every call, so a revoked
   * key stops working on every gateway process at once, with no cache to invalidate. Malformed
   * keys are refused without a query.
   */
  async authenticate(given: string): Promise<ApiKeyRecord> {
    const invalid = () => new UnauthenticatedError('The API key is not valid.');
    const key = given.trim();
    const match = KEY_PATTERN.exec(key);
    if (!match) throw invalid();
    // Whether a key id exists is no secret (ids are listed to admins and printed in the key); the
    // secret's hash is what is compared in constant time.
    const record = await this.keys.findByKeyId(match[1]!);
    const expected = record ? Buffer.from(record.secretHash, 'hex') : null;
    if (!record || expected?.length !== 32 || !timingSafeEqual(hashKey(key), expected)) throw invalid();
    if (record.revokedAt) throw new UnauthenticatedError('The API key has been revoked.');
    return record;
  }

  /** CORS preflights carry no key: an origin passes them when any live key allows it. */
  originAllowedForSomeKey(origin: string): Promise<boolean> {
    return this.keys.originInUse(origin);
  }
}

function validateList(values: string[], argument: string, valid: (value: string) => boolean, what: string): string[] {
  if (values.length > MAX_LIST) throw new BadUserInputError(`"${argument}" takes at most ${MAX_LIST} entries.`, { argument });
  const bad = values.find((value) => !valid(value));
  if (bad !== undefined) throw new BadUserInputError(`"${argument}": "${bad.slice(0, 100)}" is not ${what}.`, { argument });
  return [...new Set(values)];
}
