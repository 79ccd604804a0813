import { normalizeForSearch, normalizeMultiline, normalizeOptionalText, normalizeText } from './normalize';

describe('normalize', () => {
  it('makes precomposed and nukta forms of ড় and য় equal (NFC decomposes them)', () => {
    const precomposed = 'বড়\u09DC \u09DF';
    const nukta = 'বড\u09BC\u09A1\u09BC \u09AF\u09BC';
    expect(normalizeText(precomposed)).toBe(normalizeText(nukta));
    expect(normalizeForSearch(precomposed)).toBe(normalizeForSearch(nukta));
  });

  it('folds whitespace runs but keeps ZWJ/ZWNJ', () => {
    expect(normalizeText('  a\u00A0\u2003 b\n')).toBe('a b');
    expect(normalizeText('র\u200D্য')).toBe('র\u200D্য');
    expect(normalizeText('می\u200Cخواهم')).toBe('می\u200Cخواهم');
  });

  it('keeps lines in multi-line text', () => {
    expect(normalizeMultiline('a  b\r\n\r\n c\rd')).toBe('a b\n\nc\nd');
  });

  it('gives null for blank optional text', () => {
    expect(normalizeOptionalText(undefined)).toBeNull();
    expect(normalizeOptionalText(' \u3000 ')).toBeNull();
    expect(normalizeOptionalText(' x ')).toBe('x');
  });
});
