import { buildSearchView, DAY_MONTH_YEAR, MONTH_NUMBERS, PERIOD_RULES, TIME } from './date-patterns';

describe('date patterns', () => {
  it('maps month names of several scripts to their numbers, in search form', () => {
    expect(MONTH_NUMBERS.get('সেপ্টেম্বর')).toBe(9);
    expect(MONTH_NUMBERS.get('sep')).toBe(9);
    expect(MONTH_NUMBERS.get('سبتمبر')).toBe(9);
    expect(MONTH_NUMBERS.get('сентября')).toBe(9);
  });

  it('maps every normalised offset back to the text as given', () => {
    const original = 'বুধবার (৩ সেপ্টেম্বর)';
    const view = buildSearchView(original);
    const at = view.text.indexOf('3');
    expect(at).toBeGreaterThan(0);
    expect(original.slice(view.originStart[at], view.originEnd[at])).toBe('৩');
    expect(buildSearchView('SEP 𝟑').text).toBe('sep 3');
  });

  it('matches a day, month and year and a time', () => {
    const [match] = [...buildSearchView('3 September 2025').text.matchAll(DAY_MONTH_YEAR)];
    expect(match?.[0]).toBe('3 september 2025');
    expect([...'at 10:30 pm'.matchAll(TIME)].length).toBe(1);
    expect(PERIOD_RULES.get('pm')).toBe('pm');
  });
});
