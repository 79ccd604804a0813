import { calendarDateToDate, dayNumber, formatCalendarDate, isValidCalendarDate, utcMillis, wallClock } from './calendar-date';

describe('calendar dates', () => {
  it('knows real dates and times', () => {
    expect(isValidCalendarDate({ year: 2024, month: 2, day: 29 })).toBe(true);
    expect(isValidCalendarDate({ year: 2025, month: 2, day: 29 })).toBe(false);
    expect(isValidCalendarDate({ year: 1900, month: 2, day: 29 })).toBe(false);
    expect(isValidCalendarDate({ year: 2000, month: 2, day: 29 })).toBe(true);
    expect(isValidCalendarDate({ year: 2025, month: 4, day: 31 })).toBe(false);
    expect(isValidCalendarDate({ year: 2025, month: 9, day: 3, hour: 24, minute: 0 })).toBe(false);
    expect(isValidCalendarDate({ year: 2025, month: 9, day: 3, hour: 10 })).toBe(false);
    expect(isValidCalendarDate({ year: 0, month: 1, day: 1 })).toBe(false);
  });

  it('reads wall-clock fields as UTC, years below 100 included', () => {
    expect(utcMillis(2025, 9, 3, 10, 30)).toBe(Date.UTC(2025, 8, 3, 10, 30));
    expect(new Date(utcMillis(50, 1, 1)).getUTCFullYear()).toBe(50);
    expect(dayNumber({ year: 2025, month: 9, day: 4 }) - dayNumber({ year: 2025, month: 9, day: 3 })).toBe(1);
  });

  it('gives the wall clock of an instant in a zone', () => {
    expect(wallClock(Date.UTC(2025, 8, 3, 22, 30), 'Asia/Dhaka')).toMatchObject({ year: 2025, month: 9, day: 4, hour: 4, minute: 30 });
  });

  it('turns a date into the instant it begins in a zone, DST gaps moved forward', () => {
    expect(calendarDateToDate({ year: 2025, month: 9, day: 3 }, 'Asia/Dhaka').toISOString()).toBe('2025-09-02T18:00:00.000Z');
    expect(calendarDateToDate({ year: 2025, month: 3, day: 9, hour: 2, minute: 30 }, 'America/New_York').toISOString()).toBe('2025-03-09T07:30:00.000Z');
    expect(() => calendarDateToDate({ year: 2025, month: 2, day: 30 })).toThrow(RangeError);
  });

  it('formats a date as ISO, with its time when it has one', () => {
    expect(formatCalendarDate({ year: 2025, month: 9, day: 3 })).toBe('2025-09-03');
    expect(formatCalendarDate({ year: 2025, month: 9, day: 3, hour: 7, minute: 5 })).toBe('2025-09-03T07:05');
  });
});
