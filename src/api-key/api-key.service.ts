/**
 * Partner API keys, a domain of their own: the table (api-key.entity.ts), its statements
 * (api-key.repository.ts), issuing, revoking and checking keys (this file), the admin mutations
 * (api-key.resolver.ts, api-key.types.ts) and the signal that a key was revoked somewhere
 * (api-key.revocations.ts). The edge (src/edge/authentication.ts) turns a key into a caller;
 * `newsgate keys` is src/cli/api-key.commands.ts.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BadUserInputError, NotFoundError, UnauthenticatedError } from '../common/errors/domain-errors';
import { isOrigin } from '../config/config';
import { normalizeText } from '../text/normalize';
import type { ApiKeyRepository } from './api-key.repository';
import type { ApiKeyRecord, NewApiKey } from './api-key.record';
import type { CacheGeneration } from '../common/generation';

/** `ngk_<16 hex: key id>_<43 base64url: 256 random bits>`. The prefix makes leaked keys easy to scan for. */
const KEY_PATTERN = /^ngk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OPERATION_HASH = /^[0-9a-f]{64}$/;
const MAX_LIST = 100;
/** Live keys remembered per process; a partner count far beyond this just means more look-ups. */
const MAX_CACHED_KEYS = 10_000;
/** A remembered key is read again after this long even if no revocation was signalled (a lost signal). */
const KEY_CACHE_MAX_AGE_MS = 60_000;
/** Redis key of the signal that a partner key was revoked somewhere. */
export const KEY_REVOCATIONS = 'api-key-revocations';

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export interface CreatedKey {
  apiKey: ApiKeyRecord;
  /** The whole key: returned once, never stored or logged. */
  secret: string;
}

export class ApiKeyService {
  private revocations: CacheGeneration | null = null;
  private readonly cache = new Map<string, { record: ApiKeyRecord; at: number }>();
  private cachedUnder: string | null = null;

  constructor(private readonly keys: ApiKeyRepository) {}

  /**
   * Lets live keys be remembered in this process. The signal changes whenever any process revokes
   * a key, and a changed signal forgets every remembered key before the next check, so revocation
   * still takes effect on the very next request everywhere. Without a signal that every process
   * sharing the database sees (Redis, or an embedded database no other process can open) keys
   * are read from the database on every request.
   */
  shareRevocations(signal: CacheGeneration): void {
    this.revocations = signal;
  }

  async create(input: NewApiKey): Promise<CreatedKey> {
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
    // Stored either way; if the signal cannot be sent, remembered copies lapse within a minute.
    await this.revocations?.bump().catch(() => undefined);
    return revoked;
  }

  /**
   * The live key this secret belongs to, or UNAUTHENTICATED. The row is found by the key's public
   * id (remembered when shareRevocations allows) and the hashes compared in constant time.
   * Malformed keys are refused without a query.
   */
  async authenticate(given: string): Promise<ApiKeyRecord> {
    const invalid = () => new UnauthenticatedError('The API key is not valid.');
    const key = given.trim();
    const match = KEY_PATTERN.exec(key);
    if (!match) throw invalid();
    // Whether a key id exists is no secret (ids are listed to admins and printed in the key); the
    // secret's hash is what is compared in constant time.
    const record = await this.find(match[1]!);
    const expected = record ? Buffer.from(record.secretHash, 'hex') : null;
    if (!record || expected?.length !== 32 || !timingSafeEqual(hashKey(key), expected)) throw invalid();
    if (record.revokedAt) throw new UnauthenticatedError('The API key has been revoked.');
    return record;
  }

  private async find(keyId: string): Promise<ApiKeyRecord | null> {
    if (!this.revocations) return this.keys.findByKeyId(keyId);
    // Read before the row: a revocation committed after this read changes the signal, and the
    // next call forgets whatever this one remembers.
    const generation = await this.revocations.current();
    if (generation !== this.cachedUnder) {
      this.cache.clear();
      this.cachedUnder = generation;
    }
    const cached = this.cache.get(keyId);
    if (cached && Date.now() - cached.at < KEY_CACHE_MAX_AGE_MS) return cached.record;
    const record = await this.keys.findByKeyId(keyId);
    if (record && !record.revokedAt) {
      if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
      this.cache.set(keyId, { record, at: Date.now() });
    }
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
