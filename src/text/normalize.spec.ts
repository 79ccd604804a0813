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

describe('normalizeText whitespace folding', () => {
  it('folds as replacing every whitespace run with one space does, when it skips texts with single spaces only', () => {
    const reference = (value: string) =>
      value
        .normalize('NFC')
        .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g, '')
        .replace(/[\s\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g, ' ')
        .trim();
    const pieces = ['a', 'ক', ' ', ' ', '  ', '\n', '\t', '\r\n', '\u00A0', '\u2003', '\u3000', '\uFEFF', '\u200D', '\u0007', '\u0085', '.'];
    let seed = 3;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % pieces.length;
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: i % 12 }, () => pieces[next()]).join('');
      expect([text, normalizeText(text)]).toEqual([text, reference(text)]);
    }
  });
});
