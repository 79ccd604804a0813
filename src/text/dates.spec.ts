import { calendarDateToDate, findDatesInText, formatCalendarDate, isValidCalendarDate, parseLocalizedDate } from './dates';

const SEP_3_2025 = { year: 2025, month: 9, day: 3 };

describe('parseLocalizedDate', () => {
  it.each([
    ['৩ সেপ্টেম্বর ২০২৫'],
    ['সেপ্টেম্বর ৩, ২০২৫'],
    ['Sep 03, 2025'],
    ['Sep. 3, 2025'],
    ['SEPT 3 2025'],
    ['3 September 2025'],
    ['3rd September, 2025'],
    ['September 3, 2025'],
    ['2025-09-03'],
    ['2025/09/03'],
    ['৩রা সেপ্টেম্বর ২০২৫'],
    ['বুধবার, ৩ সেপ্টেম্বর ২০২৫'],
    ['Wednesday, 3 September 2025'],
    ['Published: Sep 03, 2025'],
    ['٣ سبتمبر ٢٠٢٥'],
    ['٣ أيلول ٢٠٢٥'],
    ['۳ سپتامبر ۲۰۲۵'],
    ['3 ستمبر 2025'],
    ['३ सितंबर २०२५'],
    ['3 сентября 2025 г.'],
    ['3 septembre 2025'],
    ['3. September 2025'],
    ['3 Eylül 2025'],
    ['2025年9月3日'],
    ['２０２５年９月３日'],
    ['2025년 9월 3일'],
  ])('%s', (text) => {
    expect(parseLocalizedDate(text)).toEqual(SEP_3_2025);
  });

  it('reads every Bengali month name and the common spelling variants', () => {
    const names: [string, number][] = [
      ['জানুয়ারি', 1], ['জানুয়ারী', 1], ['ফেব্রুয়ারি', 2], ['ফেব্রুয়ারী', 2], ['মার্চ', 3],
      ['এপ্রিল', 4], ['মে', 5], ['জুন', 6], ['জুলাই', 7], ['আগস্ট', 8], ['আগষ্ট', 8], ['অগাস্ট', 8],
      ['সেপ্টেম্বর', 9], ['অক্টোবর', 10], ['নভেম্বর', 11], ['ডিসেম্বর', 12],
    ];
    for (const [name, month] of names) {
      expect(parseLocalizedDate(`১০ ${name} ২০২৪`)).toEqual({ year: 2024, month, day: 10 });
    }
  });

  it('reads য় typed precomposed (U+09DF) or as য + nukta alike', () => {
    const precomposed = 'জানু\u09DFারি';
    const nukta = 'জানু\u09AF\u09BCারি';
    expect(parseLocalizedDate(`১ ${precomposed} ২০২৫`)).toEqual({ year: 2025, month: 1, day: 1 });
    expect(parseLocalizedDate(`১ ${nukta} ২০২৫`)).toEqual({ year: 2025, month: 1, day: 1 });
  });

  it('takes the reference year for a date written without one, and gives null without it', () => {
    expect(parseLocalizedDate('বুধবার (৩ সেপ্টেম্বর)', { referenceYear: 2025 })).toEqual(SEP_3_2025);
    expect(parseLocalizedDate('বুধবার (৩ সেপ্টেম্বর)')).toBeNull();
    expect(parseLocalizedDate('September 3', { referenceYear: 2025 })).toEqual(SEP_3_2025);
    expect(parseLocalizedDate('9月3日', { referenceYear: 2025 })).toEqual(SEP_3_2025);
  });

  it('picks the year nearest a reference date across a new year', () => {
    const reference = { year: 2026, month: 1, day: 2 };
    expect(parseLocalizedDate('৩১ ডিসেম্বর', { referenceDate: reference })).toEqual({ year: 2025, month: 12, day: 31 });
    expect(parseLocalizedDate('৩ জানুয়ারি', { referenceDate: reference })).toEqual({ year: 2026, month: 1, day: 3 });
    // Takes precedence over referenceYear.
    expect(parseLocalizedDate('31 December', { referenceDate: reference, referenceYear: 2030 })?.year).toBe(2025);
    // 29 February exists only in the leap year among the candidates.
    expect(parseLocalizedDate('29 February', { referenceDate: { year: 2025, month: 1, day: 1 } })?.year).toBe(2024);
  });

  it('rejects impossible dates', () => {
    expect(parseLocalizedDate('৩১ ফেব্রুয়ারি ২০২৫')).toBeNull();
    expect(parseLocalizedDate('Feb 29, 2025')).toBeNull();
    expect(parseLocalizedDate('31 April 2025')).toBeNull();
    expect(parseLocalizedDate('2025-13-01')).toBeNull();
    expect(parseLocalizedDate('2025-02-30')).toBeNull();
    expect(parseLocalizedDate('0 May 2025')).toBeNull();
    expect(parseLocalizedDate('Feb 29, 2024')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseLocalizedDate('29 February 1900')).toBeNull();
    expect(parseLocalizedDate('29 February 2000')).toEqual({ year: 2000, month: 2, day: 29 });
  });

  it('returns null for text without a date', () => {
    expect(parseLocalizedDate('')).toBeNull();
    expect(parseLocalizedDate('৫১ বছর বয়সে রাকসু নির্বাচনে প্রার্থী')).toBeNull();
    expect(parseLocalizedDate('৩টি সমস্যা')).toBeNull();
    expect(parseLocalizedDate('September 2025')).toBeNull();
    expect(parseLocalizedDate('03/09/2025')).toBeNull();
  });

  it('does not read month names inside other words', () => {
    // মেয়ে ("girl") starts with মে (May).
    expect(parseLocalizedDate('৫ মেয়ে ২০২৫', { referenceYear: 2025 })).toBeNull();
    expect(parseLocalizedDate('3 Marching bands', { referenceYear: 2025 })).toBeNull();
    expect(parseLocalizedDate('জুলাইয়ে করাচির', { referenceYear: 2025 })).toBeNull();
  });

  it('reads a Bengali possessive after the month', () => {
    expect(parseLocalizedDate('৩ সেপ্টেম্বরের বৈঠকে', { referenceYear: 2025 })).toEqual(SEP_3_2025);
  });

  describe('times', () => {
    it.each([
      ['৩ সেপ্টেম্বর ২০২৫, ১০:৩০', 10, 30],
      ['৩ সেপ্টেম্বর ২০২৫ সকাল ১০:৩০', 10, 30],
      ['৩ সেপ্টেম্বর ২০২৫ রাত ৯:১৫', 21, 15],
      ['৩ সেপ্টেম্বর ২০২৫ রাত ২:০৫', 2, 5],
      ['৩ সেপ্টেম্বর ২০২৫ বিকেল ৪:০০', 16, 0],
      ['৩ সেপ্টেম্বর ২০২৫ দুপুর ১২:৪৫', 12, 45],
      ['৩ সেপ্টেম্বর ২০২৫, ১০:৩০ পিএম', 22, 30],
      ['Sep 03, 2025 10:30 AM', 10, 30],
      ['Sep 03, 2025 at 10:30 p.m.', 22, 30],
      ['Sep 03, 2025 12:05 AM', 0, 5],
      ['Sep 03, 2025 12:05 PM', 12, 5],
      ['10:30 AM, Sep 3, 2025', 10, 30],
      ['সকাল ১০:৩০, ৩ সেপ্টেম্বর ২০২৫', 10, 30],
      ['Sep 03, 2025 | 18:45', 18, 45],
      ['2025-09-03T10:30:00', 10, 30],
      ['2025-09-03 10:30', 10, 30],
      ['2025年9月3日下午3:00', 15, 0],
      ['2025년 9월 3일 오후 3:00', 15, 0],
      ['٣ سبتمبر ٢٠٢٥ ١٠:٣٠ م', 22, 30],
    ])('%s', (text, hour, minute) => {
      expect(parseLocalizedDate(text)).toEqual({ ...SEP_3_2025, hour, minute });
    });

    it('leaves out the time when there is none, or it is impossible', () => {
      expect(parseLocalizedDate('Sep 03, 2025')).not.toHaveProperty('hour');
      expect(parseLocalizedDate('Sep 03, 2025 25:10')).toEqual(SEP_3_2025);
      expect(parseLocalizedDate('Sep 03, 2025 10:75')).toEqual(SEP_3_2025);
    });

    it('converts a timestamp with its own offset to the requested zone, and only then', () => {
      expect(parseLocalizedDate('2025-09-03T22:30:00Z', { timeZone: 'Asia/Dhaka' })).toEqual({ year: 2025, month: 9, day: 4, hour: 4, minute: 30 });
      expect(parseLocalizedDate('2025-09-03T22:30:00+06:00', { timeZone: 'UTC' })).toEqual({ ...SEP_3_2025, hour: 16, minute: 30 });
      expect(parseLocalizedDate('2025-09-03T22:30:00Z')).toEqual({ ...SEP_3_2025, hour: 22, minute: 30 });
      expect(parseLocalizedDate('2025-09-03 22:30', { timeZone: 'Asia/Dhaka' })).toEqual({ ...SEP_3_2025, hour: 22, minute: 30 });
    });

    it('rejects an unknown time zone', () => {
      expect(() => parseLocalizedDate('2025-09-03', { timeZone: 'Mars/Olympus_Mons' })).toThrow(RangeError);
    });
  });
});

describe('findDatesInText', () => {
  it('finds a date inside a Bengali paragraph, with its index in the text as given', () => {
    const text = 'একইসঙ্গে দ্বিপাক্ষিক সম্পর্ক আরও গভীর করার প্রতিশ্রুতিও দিয়েছেন তারা। বুধবার (৩ সেপ্টেম্বর) এক প্রতিবেদনে এই তথ্য জানিয়েছে।';
    const found = findDatesInText(text, { referenceYear: 2025 });
    expect(found).toHaveLength(1);
    expect(found[0]!.date).toEqual(SEP_3_2025);
    expect(found[0]!.text).toBe('৩ সেপ্টেম্বর');
    expect(text.slice(found[0]!.index, found[0]!.index + found[0]!.text.length)).toBe('৩ সেপ্টেম্বর');
  });

  it('maps indexes back through normalisation that changes lengths', () => {
    // Precomposed য় (one unit, two after NFC) and mathematical digits (two units, one after folding).
    const text = 'জানু\u09DFারি \u09DFর পরে \u{1D7D1} জানু\u09DFারি \u{1D7D0}\u{1D7CE}\u{1D7D0}\u{1D7D3}';
    const [found] = findDatesInText(text);
    expect(found!.date).toEqual({ year: 2025, month: 1, day: 3 });
    expect(found!.text).toBe('\u{1D7D1} জানু\u09DFারি \u{1D7D0}\u{1D7CE}\u{1D7D0}\u{1D7D3}');
    expect(text.slice(found!.index)).toBe(found!.text);
  });

  it('finds every date in order and reads each stretch of text once', () => {
    const text = 'From 2025-09-03 to 4 October 2025, then Sep 5 and ৬ সেপ্টেম্বর ২০২৫.';
    const found = findDatesInText(text, { referenceYear: 2025 });
    expect(found.map((f) => formatCalendarDate(f.date))).toEqual(['2025-09-03', '2025-10-04', '2025-09-05', '2025-09-06']);
    expect(found.map((f) => f.text)).toEqual(['2025-09-03', '4 October 2025', 'Sep 5', '৬ সেপ্টেম্বর ২০২৫']);
    for (const f of found) expect(text.slice(f.index, f.index + f.text.length)).toBe(f.text);
  });

  it('skips impossible and yearless dates but keeps the rest', () => {
    const found = findDatesInText('৩১ ফেব্রুয়ারি ২০২৫, ৩ সেপ্টেম্বর, Sep 03, 2025');
    expect(found.map((f) => f.date)).toEqual([SEP_3_2025]);
  });

  it('finds the trailing date of a headline', () => {
    const line = 'লটারির মাধ্যমে ডিসি, ইউএনও পদায়ন করা হবে না: জনপ্রশাসন সচিব Sep 03, 2025';
    const found = findDatesInText(line);
    expect(found).toHaveLength(1);
    expect(found[0]!.index + found[0]!.text.length).toBe(line.length);
    expect(line.slice(0, found[0]!.index).trim()).toBe('লটারির মাধ্যমে ডিসি, ইউএনও পদায়ন করা হবে না: জনপ্রশাসন সচিব');
  });

  it('does not give one time to two dates', () => {
    const found = findDatesInText('2025-09-03T10:30, 4 Sep 2025');
    expect(found.map((f) => f.date)).toEqual([
      { ...SEP_3_2025, hour: 10, minute: 30 },
      { year: 2025, month: 9, day: 4 },
    ]);
  });
});

describe('calendarDateToDate', () => {
  it('is midnight UTC by default', () => {
    expect(calendarDateToDate(SEP_3_2025).toISOString()).toBe('2025-09-03T00:00:00.000Z');
  });

  it('is midnight, or the given time, in the given zone', () => {
    expect(calendarDateToDate(SEP_3_2025, 'Asia/Dhaka').toISOString()).toBe('2025-09-02T18:00:00.000Z');
    expect(calendarDateToDate({ ...SEP_3_2025, hour: 10, minute: 30 }, 'Asia/Dhaka').toISOString()).toBe('2025-09-03T04:30:00.000Z');
    expect(calendarDateToDate(SEP_3_2025, 'Asia/Kathmandu').toISOString()).toBe('2025-09-02T18:15:00.000Z');
    expect(calendarDateToDate(SEP_3_2025, 'America/Los_Angeles').toISOString()).toBe('2025-09-03T07:00:00.000Z');
    expect(calendarDateToDate({ year: 2025, month: 1, day: 3 }, 'America/Los_Angeles').toISOString()).toBe('2025-01-03T08:00:00.000Z');
  });

  it('moves a wall time skipped by DST forward and takes the earlier of a repeated one', () => {
    expect(calendarDateToDate({ year: 2025, month: 3, day: 9, hour: 2, minute: 30 }, 'America/New_York').toISOString()).toBe('2025-03-09T07:30:00.000Z');
    expect(calendarDateToDate({ year: 2025, month: 11, day: 2, hour: 1, minute: 30 }, 'America/New_York').toISOString()).toBe('2025-11-02T05:30:00.000Z');
    // Midnight itself is skipped in some zones (Santiago springs forward at 00:00).
    expect(calendarDateToDate({ year: 2025, month: 9, day: 7 }, 'America/Santiago').toISOString()).toBe('2025-09-07T04:00:00.000Z');
  });

  it('handles years before 100 and far-future years', () => {
    expect(calendarDateToDate({ year: 33, month: 4, day: 3 }).toISOString()).toBe('0033-04-03T00:00:00.000Z');
    expect(calendarDateToDate({ year: 9999, month: 12, day: 31 }).toISOString()).toBe('9999-12-31T00:00:00.000Z');
  });

  it('throws on an invalid date or zone', () => {
    expect(() => calendarDateToDate({ year: 2025, month: 2, day: 31 })).toThrow(RangeError);
    expect(() => calendarDateToDate(SEP_3_2025, 'Nowhere/Nothing')).toThrow(RangeError);
  });
});

describe('isValidCalendarDate / formatCalendarDate', () => {
  it('validates fields', () => {
    expect(isValidCalendarDate(SEP_3_2025)).toBe(true);
    expect(isValidCalendarDate({ ...SEP_3_2025, hour: 23, minute: 59 })).toBe(true);
    expect(isValidCalendarDate({ ...SEP_3_2025, hour: 24, minute: 0 })).toBe(false);
    expect(isValidCalendarDate({ ...SEP_3_2025, hour: 10 })).toBe(false);
    expect(isValidCalendarDate({ year: 2025.5, month: 9, day: 3 })).toBe(false);
  });

  it('formats as ISO', () => {
    expect(formatCalendarDate(SEP_3_2025)).toBe('2025-09-03');
    expect(formatCalendarDate({ ...SEP_3_2025, hour: 7, minute: 5 })).toBe('2025-09-03T07:05');
  });
});
