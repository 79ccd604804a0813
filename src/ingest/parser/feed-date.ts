import { normalizeText } from '../../text/normalize';

/**
 * Dates as feeds write them: RFC 3339 / ISO 8601 / W3CDTF (Atom, dc:date, JSON Feed) and RFC 822
 * (RSS pubDate) with the forms real producers get wrong: named zones (EST, IST, CEST), two-digit
 * years, no weekday, weekday without comma, full month names, month before day, JavaScript's
 * Date#toString. A date without a zone is taken as UTC, never as the server's local time.
 *
 * Text in other languages or scripts gives null: the caller keeps it as publishedText for
 * locale-aware parsing (src/text/dates.ts).
 */
export function parseFeedDate(raw: string | null | undefined): Date | null {
  return readFeedDate(raw)?.date ?? null;
}

export interface FeedDate {
  date: Date;
  /**
   * The text named no zone or offset, so `date` read its wall-clock time as UTC; a caller that
   * knows the publisher's zone re-reads it there (src/ingest/processor).
   */
  zoneless: boolean;
}

/**
 * How far past the fetch time a feed's or page's date is still believed: clocks drift, and a story
 * scheduled for the hour is often in the feed a few minutes early. README (Ingestion) documents it.
 */
export const FUTURE_DATE_TOLERANCE_MS = 10 * 60_000;

export interface ClampedDate {
  /** The date to store: the given one, or the fetch time when the given one was too far ahead. */
  date: Date | null;
  /** The date as the publisher gave it, when it was replaced by the fetch time; null otherwise. */
  claimed: Date | null;
}

/**
 * A publication date is at most the fetch time plus FUTURE_DATE_TOLERANCE_MS: nothing is
 * published after we saw it. A later date (`Fri, 01 Jan 9999`, a producer's clock years ahead)
 * would sit at the top of every newest-first list for good; it becomes the fetch time, and the
 * claim is kept beside it so that nothing is lost and the clamping shows.
 */
export function clampFutureDate(date: Date | null, fetchedAt: Date): ClampedDate {
  if (date === null || date.getTime() <= fetchedAt.getTime() + FUTURE_DATE_TOLERANCE_MS) return { date, claimed: null };
  return { date: fetchedAt, claimed: date };
}

/** parseFeedDate, also saying whether the text carried a zone. */
export function readFeedDate(raw: string | null | undefined): FeedDate | null {
  if (raw == null) return null;
  const text = normalizeText(raw);
  if (text === '' || text.length > 100) return null;
  return parseIsoDate(text) ?? parseRfc822Date(text);
}

function build(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0, offsetMinutes = 0): Date | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  // A leap second is read as the last second before it.
  const sec = Math.min(second, 59);
  const time = Date.UTC(year, month - 1, day, hour, minute, sec, ms);
  const check = new Date(time);
  // Date.UTC rolls 31 February over into March; a date that does not exist is no date.
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  // Date.UTC reads years 0-99 as 1900-1999.
  if (year < 100) check.setUTCFullYear(year);
  const result = new Date(check.getTime() - offsetMinutes * 60_000);
  return Number.isNaN(result.getTime()) ? null : result;
}

function offsetFromNumeric(sign: string, hours: string, minutes: string | undefined): number | null {
  const h = Number(hours);
  const m = minutes ? Number(minutes) : 0;
  if (h > 23 || m > 59) return null;
  return (sign === '-' ? -1 : 1) * (h * 60 + m);
}

const ISO_EXTENDED =
  /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:(?:T|t|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

function parseIsoDate(text: string): FeedDate | null {
  const match = ISO_EXTENDED.exec(text) ?? ISO_BASIC.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  let offset = 0;
  if (zone && !/^(Z|UTC|GMT)$/i.test(zone)) {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    const parsed = z ? offsetFromNumeric(z[1], z[2], z[3]) : null;
    if (parsed === null) return null;
    offset = parsed;
  }
  const ms = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  const date = build(Number(y), mo ? Number(mo) : 1, d ? Number(d) : 1, h ? Number(h) : 0, mi ? Number(mi) : 0, s ? Number(s) : 0, Math.min(ms, 999), offset);
  return date && { date, zoneless: !zone };
}

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10,
  nov: 11, november: 11, dec: 12, december: 12,
};

const WEEKDAYS = new Set([
  'mon', 'monday', 'tue', 'tues', 'tuesday', 'wed', 'wednesday', 'thu', 'thur', 'thurs', 'thursday',
  'fri', 'friday', 'sat', 'saturday', 'sun', 'sunday',
]);

/**
 * Zone names seen in real feeds, in hours east of UTC. Abbreviations are ambiguous across the
 * world; where they clash the reading of this project's publishers wins (IST is India, not
 * Ireland or Israel; BST is British Summer Time, BDT Bangladesh).
 */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, wet: 0, bst: 1, west: 1, cet: 1, met: 1, mez: 1, cest: 2, mest: 2,
  mesz: 2, eet: 2, eest: 3, msk: 3, ist: 5.5, pkt: 5, npt: 5.75, bdt: 6, ict: 7, wib: 7, hkt: 8,
  sgt: 8, pht: 8, awst: 8, jst: 9, kst: 9, acst: 9.5, aest: 10, aedt: 11, nzst: 12, nzdt: 13,
  edt: -4, est: -5, cdt: -5, cst: -6, mdt: -6, mst: -7, pdt: -7, pst: -8, akdt: -8, akst: -9,
  hst: -10, ast: -4, adt: -3, nst: -3.5, ndt: -2.5,
};

interface DateParts {
  day?: number;
  month?: number;
  year?: number;
  hour?: number;
  minute?: number;
  second?: number;
  offset?: number;
  meridiem?: 'am' | 'pm';
}

function readZone(token: string, parts: DateParts): boolean {
  const lower = token.toLowerCase();
  if (Object.hasOwn(ZONES, lower)) {
    parts.offset = ZONES[lower] * 60;
    return true;
  }
  // RFC 822 military zones were defined with the wrong sign; RFC 2822 says read them as -0000.
  if (/^[a-ik-y]$/.test(lower)) {
    parts.offset = 0;
    return true;
  }
  const numeric = /^(?:gmt|utc|ut)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(lower);
  if (!numeric) return false;
  const value = offsetFromNumeric(numeric[1], numeric[2], numeric[3]);
  if (value === null) return false;
  parts.offset = value;
  return true;
}

function readTime(token: string, parts: DateParts): boolean {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(am|pm)?$/i.exec(token);
  if (!match) return false;
  parts.hour = Number(match[1]);
  parts.minute = Number(match[2]);
  parts.second = match[3] ? Number(match[3]) : 0;
  if (match[4]) parts.meridiem = match[4].toLowerCase() as 'am' | 'pm';
  return true;
}

function tokenize(text: string): string[] {
  return (
    text
      // Comments such as "(Coordinated Universal Time)" or "(EST)".
      .replace(/\([^)]*\)/g, ' ')
      .replace(/,/g, ' ')
      // 10-Jun-2003 (RFC 850) and 10/Jun/2003 (log style).
      .replace(/\b(\d{1,2})[-/]([A-Za-z]{3,9})[-/](\d{2,4})\b/g, '$1 $2 $3')
      // Zone glued to the time: 04:00:00GMT, 04:00:00+0000.
      .replace(/(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?=[A-Za-z+-])(?!\s*(?:am|pm)\b)/gi, '$1 ')
      .split(/\s+/)
      .filter((token) => token !== '')
  );
}

function parseRfc822Date(text: string): FeedDate | null {
  const parts: DateParts = {};
  for (const rawToken of tokenize(text)) {
    const token = rawToken.replace(/\.$/, '');
    const lower = token.toLowerCase();
    if (WEEKDAYS.has(lower)) continue;
    if (Object.hasOwn(MONTHS, lower) && parts.month === undefined) {
      parts.month = MONTHS[lower];
      continue;
    }
    if ((lower === 'am' || lower === 'pm') && parts.hour !== undefined) {
      parts.meridiem = lower;
      continue;
    }
    if (parts.hour === undefined && readTime(token, parts)) continue;
    if (/^\d{4}$/.test(token) && parts.year === undefined) {
      parts.year = Number(token);
      continue;
    }
    if (/^\d{1,2}$/.test(token)) {
      if (parts.day === undefined) parts.day = Number(token);
      else if (parts.year === undefined) parts.year = Number(token);
      else return null;
      continue;
    }
    if (/^\d{3}$/.test(token) && parts.year === undefined && parts.day !== undefined) {
      parts.year = Number(token);
      continue;
    }
    if (parts.offset === undefined && readZone(token, parts)) continue;
    return null;
  }
  const { day, month } = parts;
  let { year, hour = 0 } = parts;
  if (day === undefined || month === undefined || year === undefined) return null;
  // RFC 2822 4.3: two-digit years 00-49 are 2000-2049, 50-99 are 1950-1999; three digits add 1900.
  if (year < 50 && String(year).length <= 2) year += 2000;
  else if (year < 100) year += 1900;
  else if (year < 1000) year += 1900;
  if (parts.meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (parts.meridiem === 'pm' ? 12 : 0);
  }
  const date = build(year, month, day, hour, parts.minute ?? 0, parts.second ?? 0, 0, parts.offset ?? 0);
  return date && { date, zoneless: parts.offset === undefined };
}
