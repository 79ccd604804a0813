/**
 * What dates are matched with: month names in many languages and scripts, ordinal and day-period
 * words, the regular expressions built from them, and the normalised view of a text they run on.
 */
import { toAsciiDigits } from './digits';

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

export type DayPeriodRule = 'am' | 'pm' | 'noon' | 'night';

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

export interface SearchView {
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
export function buildSearchView(original: string): SearchView {
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

export const MONTH_NUMBERS: ReadonlyMap<string, number> = buildMonthTable();

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

export const DAY_MONTH_YEAR = new RegExp(`${START}${DAY}${SEP}${MONTH}(?:${SEP}${YEAR})?`, 'gu');
export const MONTH_DAY_YEAR = new RegExp(`${START}${MONTH}${SEP}${DAY}(?:${SEP}${YEAR})?`, 'gu');
export const ISO = new RegExp(
  `(?<![\\d\\-])(\\d{4})([\\-/.])(\\d{1,2})\\2(\\d{1,2})(?!\\d)` +
    `(?:[t\\s](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,]\\d+)?)?(z|[+\\-]\\d{2}(?::?\\d{2})?)?(?![\\d:]))?`,
  'gu',
);
// Hangul dates put spaces between the parts (`2025년 9월 3일`), Chinese and Japanese usually not.
export const CJK = new RegExp(
  `(?<!\\d)(?:(\\d{4})\\s*(?:${alternation(CJK_YEAR_MARKS)})\\s*)?(\\d{1,2})\\s*(?:${alternation(CJK_MONTH_MARKS)})\\s*(\\d{1,2})\\s*(?:${alternation(CJK_DAY_MARKS)})`,
  'gu',
);
export const TIME = new RegExp(
  // No boundary is asked of a day-period word: Chinese writes it against the date (`3日下午3:00`).
  `(?:(${alternation(DAY_PERIODS_BEFORE.map(([w]) => w))})\\s*|${START})(\\d{1,2}):(\\d{2})(?![\\d])(?::(\\d{2})(?!\\d))?` +
    `(?:\\s*(${alternation(DAY_PERIODS_AFTER.map(([w]) => w))})(?![\\p{L}\\p{M}]))?`,
  'gu',
);
const GAP = `[\\s,|·•\\-–—]*`;
export const GAP_AFTER_DATE = new RegExp(`^${GAP}(?:(?:${alternation(TIME_CONNECTORS)})\\s+)?$`, 'u');
export const GAP_BEFORE_DATE = new RegExp(`^${GAP}$`, 'u');

export const PERIOD_RULES = new Map<string, DayPeriodRule>(
  [...DAY_PERIODS_BEFORE, ...DAY_PERIODS_AFTER].map(([word, rule]) => [searchForm(word), rule]),
);

