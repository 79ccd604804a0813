import { BadUserInputError } from '../../common/errors/domain-errors';
import type { NameIdKey, RankedTimeIdKey, TimeIdKey, TimePositionIdKey } from '../../db/keyset';

/**
 * Keyset cursors: the sort key of an edge, opaque to clients (base64url of a small JSON array with
 * a version and the ordering it belongs to), validated on the way back in so a forged or stale
 * cursor is a clear BAD_USER_INPUT and never reaches SQL as garbage.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type { NameIdKey, RankedTimeIdKey, TimeIdKey, TimePositionIdKey } from '../../db/keyset';

const VERSION = 1;

function encode(kind: string, values: unknown[]): string {
  return Buffer.from(JSON.stringify([VERSION, kind, ...values]), 'utf8').toString('base64url');
}

function decode(cursor: string, kind: string, argumentName: string): unknown[] {
  const invalid = () => new BadUserInputError(`"${argumentName}" is not a valid cursor for this list.`, { argument: argumentName });
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalid();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed[0] !== VERSION || parsed[1] !== kind) throw invalid();
  return parsed.slice(2);
}

/**
 * A cursor's values must be ones its SQL can compare, or a forged cursor fails the statement (a
 * masked database error) instead of the argument: Postgres timestamps begin at 4714-11-24 BC
 * (JavaScript dates never pass their end), feed_item.position is an integer, text holds no NUL.
 */
const EARLIEST_TIMESTAMP_MS = Date.UTC(-4713, 10, 24);
const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;

function parseDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) || date.getTime() < EARLIEST_TIMESTAMP_MS ? null : date;
}

function isInt4(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= INT4_MIN && (value as number) <= INT4_MAX;
}

export const timeIdCursor = {
  encode: (key: TimeIdKey, kind: string) => encode(kind, [key.publishedAt.toISOString(), key.id]),
  decode(cursor: string, kind: string, argumentName: string): TimeIdKey {
    const [publishedAt, id, ...rest] = decode(cursor, kind, argumentName);
    const date = parseDate(publishedAt);
    if (!date || typeof id !== 'string' || !UUID.test(id) || rest.length > 0) {
      throw new BadUserInputError(`"${argumentName}" is not a valid cursor for this list.`, { argument: argumentName });
    }
    return { publishedAt: date, id };
  },
};

/** A search's ranked article list: (rank, publishedAt, id); the rank is 0 or 1 (searchRankSql). */
export const rankedTimeIdCursor = {
  encode: (key: RankedTimeIdKey, kind: string) => encode(kind, [key.rank ?? 0, key.publishedAt.toISOString(), key.id]),
  decode(cursor: string, kind: string, argumentName: string): RankedTimeIdKey {
    const [rank, publishedAt, id, ...rest] = decode(cursor, kind, argumentName);
    const date = parseDate(publishedAt);
    if ((rank !== 0 && rank !== 1) || !date || typeof id !== 'string' || !UUID.test(id) || rest.length > 0) {
      throw new BadUserInputError(`"${argumentName}" is not a valid cursor for this list.`, { argument: argumentName });
    }
    return { rank, publishedAt: date, id };
  },
};

export const timePositionIdCursor = {
  encode: (key: TimePositionIdKey, kind: string) => encode(kind, [key.publishedAt.toISOString(), key.position, key.id]),
  decode(cursor: string, kind: string, argumentName: string): TimePositionIdKey {
    const [publishedAt, position, id, ...rest] = decode(cursor, kind, argumentName);
    const date = parseDate(publishedAt);
    if (!date || !isInt4(position) || typeof id !== 'string' || !UUID.test(id) || rest.length > 0) {
      throw new BadUserInputError(`"${argumentName}" is not a valid cursor for this list.`, { argument: argumentName });
    }
    return { publishedAt: date, position: position as number, id };
  },
};

export const nameIdCursor = {
  encode: (key: NameIdKey, kind: string) => encode(kind, [key.name, key.id]),
  decode(cursor: string, kind: string, argumentName: string): NameIdKey {
    const [name, id, ...rest] = decode(cursor, kind, argumentName);
    if (typeof name !== 'string' || name.includes('\u0000') || typeof id !== 'string' || !UUID.test(id) || rest.length > 0) {
      throw new BadUserInputError(`"${argumentName}" is not a valid cursor for this list.`, { argument: argumentName });
    }
    return { name, id };
  },
};
