/**
 * Calendar dates (year, month, day and an optional time, no zone) and the arithmetic on them:
 * validity, the instant a date begins in an IANA time zone, wall-clock fields of an instant.
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
export function utcMillis(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  return date.getTime();
}

export function dayNumber(date: CalendarDate): number {
  return utcMillis(date.year, date.month, date.day) / 86_400_000;
}

const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

export function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
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

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallClock(instant: number, timeZone: string): WallClock {
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


/** `2025-09-03` (or `2025-09-03T10:30` with a time), for logs, keys and tests. */
export function formatCalendarDate(date: CalendarDate): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const day = `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
  return date.hour === undefined ? day : `${day}T${pad(date.hour)}:${pad(date.minute ?? 0)}`;
}
