import { BadUserInputError } from './errors/domain-errors';

/**
 * How long a piece of text a caller may send, in one table, checked in one place before anything
 * runs: every string in every argument of an operation, written in the document or passed as a
 * variable, at any depth of an input object or list. A 20,000-character `people(search:)` cost
 * 4.8 s of database time at a query cost of 1; now it is a BAD_USER_INPUT before any SQL.
 *
 * The kind of an argument or input field is decided by its name, which means the same everywhere
 * in this schema (`after` is always a cursor, `language` always a BCP 47 tag). A name missing from
 * INPUT_KIND_BY_NAME still gets the `other` limit, so no new argument goes unbounded, and a test
 * (src/edge/input-limits.plugin.spec.ts) fails until someone gives it its kind. The schema's descriptions state
 * each limit (describeInputLimits) and README.md lists them for partners.
 */
export type InputKind = 'search' | 'name' | 'url' | 'id' | 'slug' | 'cursor' | 'languageTag' | 'timeZone' | 'countryCode' | 'operationHash' | 'dateTime' | 'other';

export interface InputLimit {
  /** Unicode characters (code points), so a Bengali or emoji text gets as many letters as a Latin one. */
  maxLength: number;
  /** What such a value is, for error messages: "a search may be at most 200 characters". */
  what: string;
}

export const INPUT_LIMITS: Readonly<Record<InputKind, InputLimit>> = {
  // Words to find; longer texts are not searches (and trigram similarity grows with their length).
  search: { maxLength: 200, what: 'a search' },
  // The names sources and partner keys are stored with (the registry's own limit is the same).
  name: { maxLength: 200, what: 'a name' },
  // The longest URL every browser, proxy and CDN carries.
  url: { maxLength: 2048, what: 'a URL' },
  // Global IDs are base64 of a type and a UUID (about 60 characters), key IDs UUIDs.
  id: { maxLength: 128, what: 'an ID' },
  // Slugs are at most 80 characters when made, 200 with a suffix.
  slug: { maxLength: 200, what: 'a slug' },
  // Cursors carry a name or a date and an ID; the cursor decoder refuses anything longer too.
  cursor: { maxLength: 1024, what: 'a cursor' },
  // RFC 5646's recommended buffer for a language tag; the columns are varchar(35).
  languageTag: { maxLength: 35, what: 'a language tag' },
  // The longest IANA zone name is 32 characters.
  timeZone: { maxLength: 64, what: 'a time zone' },
  countryCode: { maxLength: 8, what: 'a country code' },
  // SHA-256 in hex.
  operationHash: { maxLength: 64, what: 'an operation hash' },
  // RFC 3339 with a fraction and an offset fits in 40.
  dateTime: { maxLength: 64, what: 'a date-time' },
  // Whatever has no kind yet (enum values and numbers sent as strings included).
  other: { maxLength: 100, what: 'this argument' },
};

/** Items a list argument may hold (where a field allows fewer, its description and service say so). */
export const MAX_LIST_ITEMS = 100;

/** The kind of every String, ID and DateTime argument and input field, by name. */
export const INPUT_KIND_BY_NAME: Readonly<Record<string, InputKind>> = {
  search: 'search',
  name: 'name',
  url: 'url',
  homepageUrl: 'url',
  feedUrls: 'url',
  allowedOrigins: 'url',
  id: 'id',
  sourceId: 'id',
  sourceIds: 'id',
  personIds: 'id',
  slug: 'slug',
  after: 'cursor',
  before: 'cursor',
  language: 'languageTag',
  timeZone: 'timeZone',
  country: 'countryCode',
  allowedOperations: 'operationHash',
  publishedAfter: 'dateTime',
  publishedBefore: 'dateTime',
};

export function inputKindOf(name: string): InputKind {
  return INPUT_KIND_BY_NAME[name] ?? 'other';
}

/** Whether a value's characters (code points) exceed max, counting only when the length says it might. */
function longerThan(value: string, max: number): boolean {
  if (value.length <= max) return false;
  let count = 0;
  for (const _ of value) if (++count > max) return true;
  return false;
}

/**
 * Null when `value` is within its kind's limit, else the error to answer. Also for text that does
 * not arrive through GraphQL arguments (the feeds' query parameters).
 */
export function inputLengthError(kind: InputKind, value: string, argument: string, where?: string): BadUserInputError | null {
  const { maxLength, what } = INPUT_LIMITS[kind];
  if (!longerThan(value, maxLength)) return null;
  const subject = where ? `"${argument}" of ${where}` : `"${argument}"`;
  return new BadUserInputError(`${subject} is too long: ${what} may be at most ${maxLength} characters.`, {
    argument,
    maxLength,
    ...(where ? { field: where } : {}),
  });
}
