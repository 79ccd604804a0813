/**
 * Dates as pages write them, in any script: `বুধবার (৩ সেপ্টেম্বর)`, `৩ সেপ্টেম্বর ২০২৫`,
 * `Sep 03, 2025`, `٣ سبتمبر ٢٠٢٥`, `3 сентября 2025`, `2025年9月3日`, `2025-09-03`.
 *
 * The result is a calendar date, not a Date: a page usually gives neither a time nor a zone, and
 * turning `3 September` into an instant would invent both. calendarDateToDate does that step when
 * the caller knows the zone.
 *
 * Numeric day/month orders (`03/09/2025`) are deliberately not read: the same string is 3 September
 * in most of the world and 9 March in the US, and a wrong date is worse than none.
 */
import { toAsciiDigits } from './digits';

export interface CalendarDate {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
  /** 0..23, when the text gave a time. */
  hour?: number;
  /** 0..59, when the text gave a time. */
  minute?: number;
}

export interface DateParseOptions {
  /** Year for dates written without one (`৩ সেপ্টেম্বর`). Without it (and referenceDate) they are skipped. */
  referenceYear?: number;
  /**
   * For dates written without a year: the year (of the reference's year, the one before or the
   * one after) that puts the date nearest to this one, so `31 December` seen next to `2 January
   * 2026` is 2025. Takes precedence over referenceYear.
   */
  referenceDate?: CalendarDate;
  /**
   * IANA zone the caller wants wall-clock values in. Only changes timestamps that carry their own
   * offset (`2025-09-03T22:30:00Z`); a date without an offset is already local to someone, and we
   * do not know whom.
   */
  timeZone?: string;
}

export interface FoundDate {
  date: CalendarDate;
  /** Offset of the match in the text as given (UTF-16 units, before any normalisation). */
  index: number;
  /** The matched text as given, including a time written next to the date. */
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Data

/**
 * Month names written by hand: the spellings Intl does not produce. Bengali pages use several
 * spellings (ি/ী endings, স/ষ in আগস্ট, the West Bengal form অগাস্ট), English ones abbreviate.
 * Entries are normalised (NFC, lower case) when loaded, so য়/ড় may be typed in either form.
 */
const HAND_WRITTEN_MONTHS: readonly (readonly [month: number, names: readonly string[]])[] = [
  [1, ['জানুয়ারি', 'জানুয়ারী', 'জানুআরি', 'jan', 'january']],
  [2, ['ফেব্রুয়ারি', 'ফেব্রুয়ারী', 'ফেব্রুআরি', 'ফেবুয়ারি', 'feb', 'february']],
  [3, ['মার্চ', 'mar', 'march']],
  [4, ['এপ্রিল', 'apr', 'april']],
  [5, ['মে', 'may']],
  [6, ['জুন', 'jun', 'june']],
  [7, ['জুলাই', 'jul', 'july']],
  [8, ['আগস্ট', 'আগষ্ট', 'অগাস্ট', 'অগস্ট', 'aug', 'august']],
  [9, ['সেপ্টেম্বর', 'সেপ্টেম্বার', 'sep', 'sept', 'september']],
  [10, ['অক্টোবর', 'অক্টোবার', 'oct', 'october']],
  [11, ['নভেম্বর', 'নভেম্বার', 'nov', 'november']],
  [12, ['ডিসেম্বর', 'ডিসেম্বার', 'dec', 'december']],
];

/**
 * Locales whose Gregorian month names (in date context, e.g. Russian genitive сентября, and
 * standalone) come from Intl. Only full names: abbreviations of other languages collide with
 * common words (Portuguese `set`). `ar-LB` adds the Levantine names (أيلول) beside Egyptian ones.
 */
const INTL_MONTH_LOCALES = [
  'bn', 'en', 'ar', 'ar-LB', 'ur', 'fa', 'hi', 'ne', 'mr', 'ru', 'uk', 'fr', 'de', 'es', 'pt',
  'it', 'nl', 'tr', 'id', 'ms', 'sw', 'pl', 'ro',
] as const;

/**
 * What may follow a month name: Bengali possessives (`সেপ্টেম্বরের`). Kept short on purpose: a
 * longer list (`য়ে`) would read `৫ মেয়ে` ("5 girls") as 5 May.
 */
const MONTH_SUFFIXES = ['ের', 'এর', 'র'] as const;

/** Ordinal endings after a day number: 3rd, Bengali ৩রা / ১লা / ৪ঠা / ৫ই / ২১শে, French 1er. */
const DAY_ORDINAL_SUFFIXES = ['st', 'nd', 'rd', 'th', 'লা', 'রা', 'ঠা', 'ই', 'শে', 'er'] as const;

/** Markers of year/month/day in Chinese, Japanese and Korean numeric dates. */
const CJK_YEAR_MARKS = ['年', '년'] as const;
const CJK_MONTH_MARKS = ['月', '월'] as const;
const CJK_DAY_MARKS = ['日', '号', '號', '일'] as const;

type DayPeriodRule = 'am' | 'pm' | 'noon' | 'night';

/** Day-period words written before a time (`সকাল ১০:৩০`, `下午3:00`, `오후 3:00`). */
const DAY_PERIODS_BEFORE: readonly (readonly [word: string, rule: DayPeriodRule])[] = [
  ['ভোর', 'am'],
  ['সকাল', 'am'],
  ['দুপুর', 'noon'],
  ['বিকাল', 'pm'],
  ['বিকেল', 'pm'],
  ['সন্ধ্যা', 'pm'],
  ['রাত', 'night'],
  ['凌晨', 'am'],
  ['上午', 'am'],
  ['中午', 'noon'],
  ['下午', 'pm'],
  ['晚上', 'night'],
  ['오전', 'am'],
  ['오후', 'pm'],
];

/** Day-period markers written after a time (`10:30 AM`, `১০:৩০ পিএম`, Arabic ص/م). */
const DAY_PERIODS_AFTER: readonly (readonly [word: string, rule: DayPeriodRule])[] = [
  ['a.m.', 'am'],
  ['p.m.', 'pm'],
  ['a.m', 'am'],
  ['p.m', 'pm'],
  ['am', 'am'],
  ['pm', 'pm'],
  ['এএম', 'am'],
  ['পিএম', 'pm'],
  ['ص', 'am'],
  ['م', 'pm'],
];

/** Words that may join a date and the time after it (`Sep 3, 2025 at 10:30`). */
const TIME_CONNECTORS = ['at', 'à', 'um', 'в'] as const;

// ---------------------------------------------------------------------------------------------
// Normalised view of the text, with a way back to the caller's offsets

/** What the patterns see: NFC, ASCII digits, lower case. */
function searchForm(value: string): string {
  return toAsciiDigits(value.normalize('NFC')).toLowerCase();
}

interface SearchView {
  text: string;
  /** For each unit of `text`, the start and end (exclusive) of the original cluster it came from. */
  originStart: number[];
  originEnd: number[];
}

/**
 * Normalises cluster by cluster (a base character and its marks) so every normalised offset maps
 * back to the input: NFC, digit folding and lower-casing all change lengths (precomposed য় is one
 * unit, its NFC form two; a mathematical digit is two units, its ASCII form one). NFC never
 * composes across a base character, so per-cluster normalisation equals whole-text normalisation.
 */
function buildSearchView(original: string): SearchView {
  const parts: string[] = [];
  const originStart: number[] = [];
  const originEnd: number[] = [];
  const cluster = /\P{M}\p{M}*|\p{M}+/gsu;
  for (const match of original.matchAll(cluster)) {
    const start = match.index!;
    const end = start + match[0].length;
    const normalised = searchForm(match[0]);
    parts.push(normalised);
    for (let k = 0; k < normalised.length; k += 1) {
      originStart.push(start);
      originEnd.push(end);
    }
  }
  return { text: parts.join(''), originStart, originEnd };
}

// ---------------------------------------------------------------------------------------------
// Patterns

const escapeRegExp = (value: string): string => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function alternation(words: readonly string[]): string {
  return [...new Set(words.map(searchForm))]
    .sort((a, b) => b.length - a.length)
    .map((word) => escapeRegExp(word).replace(/\s+/g, '\\s+'))
    .join('|');
}

const MONTH_NUMBERS: ReadonlyMap<string, number> = buildMonthTable();

function buildMonthTable(): Map<string, number> {
  const table = new Map<string, number>();
  const conflicting = new Set<string>();
  const add = (name: string, month: number): void => {
    const key = searchForm(name).replace(/\.$/, '').replace(/\s+/g, ' ').trim();
    if (!key || /\d/.test(key)) return;
    const known = table.get(key);
    if (known !== undefined && known !== month) conflicting.add(key);
    else table.set(key, month);
  };
  for (const [month, names] of HAND_WRITTEN_MONTHS) for (const name of names) add(name, month);
  for (const locale of INTL_MONTH_LOCALES) {
    const inContext = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', timeZone: 'UTC', calendar: 'gregory' });
    const standalone = new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC', calendar: 'gregory' });
    for (let month = 1; month <= 12; month += 1) {
      const sample = new Date(Date.UTC(2000, month - 1, 15));
      const part = inContext.formatToParts(sample).find((p) => p.type === 'month');
      if (part) add(part.value, month);
      add(standalone.format(sample), month);
    }
  }
  // A name two languages give to different months would make dates silently wrong: drop it.
  for (const key of conflicting) table.delete(key);
  return table;
}

const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}]';
const START = `(?<!${WORD_CHAR})`;
const END = `(?!${WORD_CHAR})`;
const MONTH = `(${alternation([...MONTH_NUMBERS.keys()])})(?:${alternation(MONTH_SUFFIXES)})?${END}`;
const DAY = `(\\d{1,2})(?!\\d)(?:${alternation(DAY_ORDINAL_SUFFIXES)})?${END}`;
const YEAR = `(\\d{4})(?!\\d)`;
const SEP = `\\s*[,./\\-–—]?\\s*`;

const DAY_MONTH_YEAR = new RegExp(`${START}${DAY}${SEP}${MONTH}(?:${SEP}${YEAR})?`, 'gu');
const MONTH_DAY_YEAR = new RegExp(`${START}${MONTH}${SEP}${DAY}(?:${SEP}${YEAR})?`, 'gu');
const ISO = new RegExp(
  `(?<![\\d\\-])(\\d{4})([\\-/.])(\\d{1,2})\\2(\\d{1,2})(?!\\d)` +
    `(?:[t\\s](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,]\\d+)?)?(z|[+\\-]\\d{2}(?::?\\d{2})?)?(?![\\d:]))?`,
  'gu',
);
// Hangul dates put spaces between the parts (`2025년 9월 3일`), Chinese and Japanese usually not.
const CJK = new RegExp(
  `(?<!\\d)(?:(\\d{4})\\s*(?:${alternation(CJK_YEAR_MARKS)})\\s*)?(\\d{1,2})\\s*(?:${alternation(CJK_MONTH_MARKS)})\\s*(\\d{1,2})\\s*(?:${alternation(CJK_DAY_MARKS)})`,
  'gu',
);
const TIME = new RegExp(
  // No boundary is asked of a day-period word: Chinese writes it against the date (`3日下午3:00`).
  `(?:(${alternation(DAY_PERIODS_BEFORE.map(([w]) => w))})\\s*|${START})(\\d{1,2}):(\\d{2})(?![\\d])(?::(\\d{2})(?!\\d))?` +
    `(?:\\s*(${alternation(DAY_PERIODS_AFTER.map(([w]) => w))})(?![\\p{L}\\p{M}]))?`,
  'gu',
);
const GAP = `[\\s,|·•\\-–—]*`;
const GAP_AFTER_DATE = new RegExp(`^${GAP}(?:(?:${alternation(TIME_CONNECTORS)})\\s+)?$`, 'u');
const GAP_BEFORE_DATE = new RegExp(`^${GAP}$`, 'u');

const PERIOD_RULES = new Map<string, DayPeriodRule>(
  [...DAY_PERIODS_BEFORE, ...DAY_PERIODS_AFTER].map(([word, rule]) => [searchForm(word), rule]),
);

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether the fields form a real proleptic-Gregorian date (and time, if given). */
export function isValidCalendarDate(date: CalendarDate): boolean {
  const { year, month, day, hour, minute } = date;
  if (![year, month, day].every(Number.isInteger)) return false;
  if (year < 1 || year > 9999 || month < 1 || month > 12) return false;
  if (day < 1 || day > daysInMonth(year, month)) return false;
  if (hour !== undefined && !(Number.isInteger(hour) && hour >= 0 && hour <= 23)) return false;
  if (minute !== undefined && !(Number.isInteger(minute) && minute >= 0 && minute <= 59)) return false;
  if ((hour === undefined) !== (minute === undefined)) return false;
  return true;
}

/** Milliseconds since the epoch of the wall-clock fields read as UTC (years below 100 included). */
function utcMillis(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  return date.getTime();
}

function dayNumber(date: CalendarDate): number {
  return utcMillis(date.year, date.month, date.day) / 86_400_000;
}

function resolveYear(month: number, day: number, options: DateParseOptions): number | null {
  const reference = options.referenceDate;
  if (reference) {
    let best: number | null = null;
    let bestDistance = Infinity;
    for (const year of [reference.year - 1, reference.year, reference.year + 1]) {
      const candidate = { year, month, day };
      if (!isValidCalendarDate(candidate)) continue;
      const distance = Math.abs(dayNumber(candidate) - dayNumber(reference));
      if (distance < bestDistance) {
        best = year;
        bestDistance = distance;
      }
    }
    return best;
  }
  return options.referenceYear ?? null;
}

const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = wallClockFormatters.get(timeZone);
  if (!formatter) {
    // The locale only picks how parts are spelled; Gregorian calendar, Latin digits and a 0-23
    // hour cycle are forced so the parts read back as plain numbers.
    formatter = new Intl.DateTimeFormat('en-u-ca-gregory-nu-latn', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClockFormatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: number, timeZone: string): WallClock {
  const fields: Record<string, number> = {};
  for (const part of wallClockFormatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') fields[part.type] = Number(toAsciiDigits(part.value));
  }
  return {
    year: fields.year!,
    month: fields.month!,
    day: fields.day!,
    hour: fields.hour! % 24,
    minute: fields.minute!,
    second: fields.second!,
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds. */
function zoneOffset(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  return utcMillis(w.year, w.month, w.day, w.hour, w.minute, w.second) - (instant - (((instant % 1000) + 1000) % 1000));
}

/**
 * The instant when the calendar date (at its time, or midnight) begins in an IANA time zone,
 * computed with Intl's zone data. Wall times a DST change skips (02:30 on a spring-forward night)
 * move forward by the gap, and times it repeats take the earlier instant: the same choice as
 * Temporal's `compatible` disambiguation. Throws RangeError for an invalid date or zone.
 */
export function calendarDateToDate(date: CalendarDate, timeZone = 'UTC'): Date {
  if (!isValidCalendarDate(date)) throw new RangeError(`Invalid calendar date: ${JSON.stringify(date)}`);
  const local = utcMillis(date.year, date.month, date.day, date.hour ?? 0, date.minute ?? 0);
  const day = 86_400_000;
  // Offsets in force a day before and a day after cover both sides of any transition nearby.
  const offsetBefore = zoneOffset(local - day, timeZone);
  const offsetAfter = zoneOffset(local + day, timeZone);
  const matches = [local - offsetBefore, local - offsetAfter].filter((instant) => {
    const w = wallClock(instant, timeZone);
    return utcMillis(w.year, w.month, w.day, w.hour, w.minute, w.second) === local;
  });
  if (matches.length > 0) return new Date(Math.min(...matches));
  return new Date(local - offsetBefore);
}

// ---------------------------------------------------------------------------------------------
// Matching

interface Candidate {
  start: number;
  end: number;
  year: number | null;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  /** Minutes east of UTC when the text gave an offset. */
  offsetMinutes?: number;
}

function applyDayPeriod(hour: number, period: string | undefined): number | null {
  const rule = period ? PERIOD_RULES.get(period) : undefined;
  if (!rule || hour < 1 || hour > 12) return hour <= 23 ? hour : null;
  switch (rule) {
    case 'am':
      return hour === 12 ? 0 : hour;
    case 'pm':
      return hour === 12 ? 12 : hour + 12;
    case 'noon':
      return hour <= 5 ? hour + 12 : hour;
    case 'night':
      if (hour === 12) return 0;
      return hour >= 6 ? hour + 12 : hour;
  }
}

function collectCandidates(text: string): Candidate[] {
  const candidates: Candidate[] = [];
  const month = (name: string): number => MONTH_NUMBERS.get(name.replace(/\s+/g, ' '))!;
  for (const m of text.matchAll(DAY_MONTH_YEAR)) {
    candidates.push({ start: m.index!, end: m.index! + m[0].length, day: +m[1]!, month: month(m[2]!), year: m[3] ? +m[3] : null });
  }
  for (const m of text.matchAll(MONTH_DAY_YEAR)) {
    candidates.push({ start: m.index!, end: m.index! + m[0].length, month: month(m[1]!), day: +m[2]!, year: m[3] ? +m[3] : null });
  }
  for (const m of text.matchAll(CJK)) {
    candidates.push({ start: m.index!, end: m.index! + m[0].length, year: m[1] ? +m[1] : null, month: +m[2]!, day: +m[3]! });
  }
  for (const m of text.matchAll(ISO)) {
    const candidate: Candidate = { start: m.index!, end: m.index! + m[0].length, year: +m[1]!, month: +m[3]!, day: +m[4]! };
    if (m[5] !== undefined) {
      candidate.hour = +m[5];
      candidate.minute = +m[6]!;
      const zone = m[8];
      if (zone === 'z') candidate.offsetMinutes = 0;
      else if (zone) {
        const digits = zone.slice(1).replace(':', '');
        const minutes = +digits.slice(0, 2) * 60 + (digits.length > 2 ? +digits.slice(2) : 0);
        candidate.offsetMinutes = zone.startsWith('-') ? -minutes : minutes;
      }
    }
    candidates.push(candidate);
  }
  return candidates;
}

/** Leftmost, then longest: one reading per stretch of text. */
function withoutOverlaps(candidates: Candidate[]): Candidate[] {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Candidate[] = [];
  let reachedEnd = -1;
  for (const candidate of sorted) {
    if (candidate.start < reachedEnd) continue;
    kept.push(candidate);
    reachedEnd = candidate.end;
  }
  return kept;
}

interface TimeMatch {
  start: number;
  end: number;
  hour: number;
  minute: number;
}

function collectTimes(text: string): TimeMatch[] {
  const times: TimeMatch[] = [];
  for (const m of text.matchAll(TIME)) {
    const minute = +m[3]!;
    const hour = applyDayPeriod(+m[2]!, m[5] ?? m[1]);
    if (hour === null || minute > 59) continue;
    times.push({ start: m.index!, end: m.index! + m[0].length, hour, minute });
  }
  return times;
}

/** A time written right after the date, or right before it, joins the date's match. */
function attachTime(candidate: Candidate, text: string, times: TimeMatch[], claimed: Set<TimeMatch>): void {
  if (candidate.hour !== undefined) return;
  const after = times.find((t) => !claimed.has(t) && t.start >= candidate.end && GAP_AFTER_DATE.test(text.slice(candidate.end, t.start)));
  const before = [...times].reverse().find((t) => !claimed.has(t) && t.end <= candidate.start && GAP_BEFORE_DATE.test(text.slice(t.end, candidate.start)));
  const time = after ?? before;
  if (!time) return;
  claimed.add(time);
  candidate.hour = time.hour;
  candidate.minute = time.minute;
  candidate.start = Math.min(candidate.start, time.start);
  candidate.end = Math.max(candidate.end, time.end);
}

function toCalendarDate(candidate: Candidate, options: DateParseOptions): CalendarDate | null {
  const year = candidate.year ?? resolveYear(candidate.month, candidate.day, options);
  if (year === null) return null;
  let date: CalendarDate = { year, month: candidate.month, day: candidate.day };
  if (candidate.hour !== undefined) date = { ...date, hour: candidate.hour, minute: candidate.minute };
  if (!isValidCalendarDate(date)) return null;
  if (candidate.offsetMinutes !== undefined && options.timeZone && date.hour !== undefined) {
    const instant = utcMillis(date.year, date.month, date.day, date.hour, date.minute) - candidate.offsetMinutes * 60_000;
    const w = wallClock(instant, options.timeZone);
    date = { year: w.year, month: w.month, day: w.day, hour: w.hour, minute: w.minute };
  }
  return date;
}

/**
 * Every date in running text, in order, with where it starts in the text as given. Weekday names
 * and labels around a date are ignored; impossible dates (31 February) and dates without a year
 * when no reference is given are left out.
 */
export function findDatesInText(text: string, options: DateParseOptions = {}): FoundDate[] {
  if (options.timeZone) wallClockFormatter(options.timeZone); // invalid zone: RangeError up front
  const view = buildSearchView(text);
  const candidates = withoutOverlaps(collectCandidates(view.text));
  // A time inside a date's own match (the 10:30 of 2025-09-03T10:30) must not join a neighbour.
  const times = collectTimes(view.text).filter((t) => !candidates.some((c) => t.start < c.end && c.start < t.end));
  const claimed = new Set<TimeMatch>();
  const found: FoundDate[] = [];
  for (const candidate of candidates) {
    attachTime(candidate, view.text, times, claimed);
    const date = toCalendarDate(candidate, options);
    if (!date) continue;
    const index = view.originStart[candidate.start]!;
    const end = view.originEnd[candidate.end - 1]!;
    found.push({ date, index, text: text.slice(index, end) });
  }
  return found;
}

/**
 * The first date the text holds (see findDatesInText), or null. A label or weekday around it
 * (`বুধবার (৩ সেপ্টেম্বর)`, `Published: Sep 03, 2025`) does not stop it.
 */
export function parseLocalizedDate(text: string, options: DateParseOptions = {}): CalendarDate | null {
  return findDatesInText(text, options)[0]?.date ?? null;
}

/** `2025-09-03` (or `2025-09-03T10:30` with a time), for logs, keys and tests. */
export function formatCalendarDate(date: CalendarDate): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const day = `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
  return date.hour === undefined ? day : `${day}T${pad(date.hour)}:${pad(date.minute ?? 0)}`;
}
