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
import {
  calendarDateToDate,
  dayNumber,
  formatCalendarDate,
  isValidCalendarDate,
  utcMillis,
  wallClock,
  wallClockFormatter,
  type CalendarDate,
} from './calendar-date';
import { buildSearchView, CJK, DAY_MONTH_YEAR, GAP_AFTER_DATE, GAP_BEFORE_DATE, ISO, MONTH_DAY_YEAR, MONTH_NUMBERS, PERIOD_RULES, TIME } from './date-patterns';

export { calendarDateToDate, formatCalendarDate, isValidCalendarDate, type CalendarDate };

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
