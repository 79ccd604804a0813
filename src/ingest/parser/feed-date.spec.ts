import { clampFutureDate, FUTURE_DATE_TOLERANCE_MS, parseFeedDate, readFeedDate } from './feed-date';

describe('parseFeedDate', () => {
  it.each([
    // RFC 3339 / ISO 8601 / W3CDTF
    ['2003-12-31T10:14:55Z', '2003-12-31T10:14:55.000Z'],
    ['2003-12-31T10:14:55.123+06:00', '2003-12-31T04:14:55.123Z'],
    ['2003-12-31T10:14:55-0800', '2003-12-31T18:14:55.000Z'],
    ['2003-12-31t10:14:55z', '2003-12-31T10:14:55.000Z'],
    ['2003-12-31 10:14:55', '2003-12-31T10:14:55.000Z'],
    ['2003-12-31T10:14Z', '2003-12-31T10:14:00.000Z'],
    ['2003-12-31', '2003-12-31T00:00:00.000Z'],
    ['2003-12', '2003-12-01T00:00:00.000Z'],
    ['2003', '2003-01-01T00:00:00.000Z'],
    ['20031231T101455Z', '2003-12-31T10:14:55.000Z'],
    // RFC 822 and the forms real feeds use
    ['Tue, 10 Jun 2003 04:00:00 GMT', '2003-06-10T04:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 +0000', '2003-06-10T04:00:00.000Z'],
    ['10 Jun 2003 04:00:00 EST', '2003-06-10T09:00:00.000Z'],
    ['Tue, 10 Jun 03 04:00 EDT', '2003-06-10T08:00:00.000Z'],
    ['Tue, 10 Jun 99 04:00 PST', '1999-06-10T12:00:00.000Z'],
    ['Tue 10 June 2003 04:00:00 +05:30', '2003-06-09T22:30:00.000Z'],
    ['Tuesday, 10-Jun-03 04:00:00 GMT', '2003-06-10T04:00:00.000Z'],
    ['Tue,10 Jun 2003 04:00:00 GMT', '2003-06-10T04:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00GMT', '2003-06-10T04:00:00.000Z'],
    ['Jun 10, 2003 4:00 pm IST', '2003-06-10T10:30:00.000Z'],
    ['Thu Jun 10 2003 04:00:00 GMT+0600 (Bangladesh Standard Time)', '2003-06-09T22:00:00.000Z'],
    ['10 Jun 2003', '2003-06-10T00:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 Z', '2003-06-10T04:00:00.000Z'],
    ['  Tue,\u00A010 Jun 2003 04:00:00 GMT  ', '2003-06-10T04:00:00.000Z'],
  ])('%s', (text, iso) => {
    expect(parseFeedDate(text)?.toISOString()).toBe(iso);
  });

  it.each([
    [null],
    [''],
    ['not a date'],
    ['মঙ্গলবার, ১০ জুন ২০০৩'],
    ['১০ জুন ২০০৩'],
    ['2003-02-30'],
    ['2003-13-01'],
    ['31 Feb 2003'],
    ['Tue, 10 Jun 2003 25:00:00 GMT'],
    ['10 Foo 2003'],
    ['2003-12-31T10:14:55Z trailing words'],
  ])('%j is not a date', (text) => {
    expect(parseFeedDate(text)).toBeNull();
  });
});

describe('readFeedDate', () => {
  it('says when a date named no zone, so the publisher’s zone can be applied', () => {
    expect(readFeedDate('2025-09-03T10:00:00')).toEqual({ date: new Date('2025-09-03T10:00:00Z'), zoneless: true });
    expect(readFeedDate('2025-09-03')).toEqual({ date: new Date('2025-09-03T00:00:00Z'), zoneless: true });
    expect(readFeedDate('Wed, 03 Sep 2025 10:00:00')).toEqual({ date: new Date('2025-09-03T10:00:00Z'), zoneless: true });
    expect(readFeedDate('2025-09-03T10:00:00Z')?.zoneless).toBe(false);
    expect(readFeedDate('2025-09-03T10:00:00+06:00')?.zoneless).toBe(false);
    expect(readFeedDate('Wed, 03 Sep 2025 10:00:00 GMT')?.zoneless).toBe(false);
    expect(readFeedDate('Wed, 03 Sep 2025 10:00:00 +0600')?.zoneless).toBe(false);
    expect(readFeedDate('৩ সেপ্টেম্বর')).toBeNull();
  });
});

describe('clampFutureDate', () => {
  const fetchedAt = new Date('2025-09-03T12:00:00Z');

  it('replaces a date later than the fetch time plus the tolerance by the fetch time, keeping the claim', () => {
    const claimed = parseFeedDate('Fri, 01 Jan 9999 00:00:00 GMT')!;
    expect(clampFutureDate(claimed, fetchedAt)).toEqual({ date: fetchedAt, claimed });
    const justOver = new Date(fetchedAt.getTime() + FUTURE_DATE_TOLERANCE_MS + 1);
    expect(clampFutureDate(justOver, fetchedAt)).toEqual({ date: fetchedAt, claimed: justOver });
  });

  it('believes dates up to the tolerance ahead (clock drift, stories scheduled for the hour), and every past date', () => {
    expect(FUTURE_DATE_TOLERANCE_MS).toBe(10 * 60_000);
    const atTolerance = new Date(fetchedAt.getTime() + FUTURE_DATE_TOLERANCE_MS);
    expect(clampFutureDate(atTolerance, fetchedAt)).toEqual({ date: atTolerance, claimed: null });
    const past = new Date('1999-01-01T00:00:00Z');
    expect(clampFutureDate(past, fetchedAt)).toEqual({ date: past, claimed: null });
    expect(clampFutureDate(null, fetchedAt)).toEqual({ date: null, claimed: null });
  });
});
