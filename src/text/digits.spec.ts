import { toAsciiDigits } from './digits';

describe('toAsciiDigits', () => {
  it.each([
    ['Bengali', '০১২৩৪৫৬৭৮৯', '0123456789'],
    ['Devanagari', '०१२३४५६७८९', '0123456789'],
    ['Arabic-Indic', '٠١٢٣٤٥٦٧٨٩', '0123456789'],
    ['Extended Arabic-Indic (Persian, Urdu)', '۰۱۲۳۴۵۶۷۸۹', '0123456789'],
    ['fullwidth', '０１２３４５６７８９', '0123456789'],
    ['Thai', '๐๑๒๓๔๕๖๗๘๙', '0123456789'],
    ['Tamil', '௦௧௨௩௪௫௬௭௮௯', '0123456789'],
    ['Myanmar', '၀၁၂၃၄၅၆၇၈၉', '0123456789'],
  ])('%s digits', (_script, input, expected) => {
    expect(toAsciiDigits(input)).toBe(expected);
  });

  it('reads digits outside the BMP, where runs of ten sit back to back', () => {
    // Mathematical bold 0 (U+1D7CE) .. monospace 9 (U+1D7FF): five sets in one contiguous run.
    expect(toAsciiDigits('\u{1D7CE}\u{1D7D7}')).toBe('09');
    expect(toAsciiDigits('\u{1D7D8}\u{1D7E1}')).toBe('09');
    expect(toAsciiDigits('\u{1D7F6}\u{1D7FF}')).toBe('09');
    // Adlam digits (U+1E950..): a script the code has no table for.
    expect(toAsciiDigits('\u{1E953}')).toBe('3');
  });

  it('keeps everything that is not a decimal digit, including other numerals', () => {
    expect(toAsciiDigits('৩ সেপ্টেম্বর, ২০২৫')).toBe('3 সেপ্টেম্বর, 2025');
    expect(toAsciiDigits('²½Ⅻ৴')).toBe('²½Ⅻ৴');
    expect(toAsciiDigits('abc 123')).toBe('abc 123');
    expect(toAsciiDigits('')).toBe('');
  });

  it('mixes scripts in one string', () => {
    expect(toAsciiDigits('১০:৩০ / ١٠:٣٠ / १०:३०')).toBe('10:30 / 10:30 / 10:30');
  });
});
