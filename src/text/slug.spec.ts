import { createHash } from 'node:crypto';
import { MIN_SLUG_LENGTH, slugify } from './slug';

const SLUG_SHAPE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

describe('slugify', () => {
  it('transliterates the Bengali sample title into a readable ASCII slug', () => {
    const slug = slugify('কৌশলগত ভারসাম্যে আরও ঘনিষ্ঠ হচ্ছে পাকিস্তান-রাশিয়ার সম্পর্ক!');
    expect(slug).toBe('kaushlgt-bhaarsaamye-aaro-ghnisstth-hcche-paakistaan-raashiyaar-smprk');
    expect(slug).toMatch(SLUG_SHAPE);
  });

  it('gives the same slug for precomposed and nukta forms of য়/ড়', () => {
    expect(slugify('রাশি\u09DFা বড়\u09DC')).toBe(slugify('রাশি\u09AF\u09BCা বড\u09BC\u09A1\u09BC'));
  });

  it.each([
    ['Arabic', 'فلاديمير بوتين', 'fldymyr-bwtyn'],
    ['Chinese', '普京会见巴基斯坦总理', 'pu-jing-hui-jian-ba-ji-si-tan-zong-li'],
    ['Russian', 'Владимир Путин', 'vladimir-putin'],
    ['English', 'Hello, World!', 'hello-world'],
    ['accented Latin', 'Ça va? Éloïse’s café', 'ca-va-eloises-cafe'],
    ['Greek', 'Ελληνικά νέα', 'ellinika-nea'],
    ['Bengali digits', '৩টি সমস্যা', '3tti-smsyaa'],
  ])('%s', (_label, text, expected) => {
    expect(slugify(text)).toBe(expected);
  });

  it('never returns an empty slug: text that transliterates to nothing gets a stable hash slug', () => {
    const emoji = slugify('😀🎉');
    expect(emoji).toBe(`n-${createHash('sha256').update('😀🎉').digest('hex').slice(0, 10)}`);
    expect(slugify('😀🎉')).toBe(emoji);
    expect(slugify('★☆ ✓')).toMatch(/^n-[0-9a-f]{10}$/);
    expect(slugify('')).toBe('n-e3b0c44298');
    expect(slugify('   ')).toBe('n-e3b0c44298');
    expect(slugify('!!! ---')).toMatch(/^n-[0-9a-f]{10}$/);
  });

  it('hashes the NFC form, so canonically equal inputs share a fallback slug', () => {
    // ∄ (U+2204) is ∃ + U+0338 in NFD; neither form transliterates to anything.
    expect(slugify('\u2203\u0338')).toBe(slugify('\u2204'));
    expect(slugify('\u2204')).toBe(`n-${createHash('sha256').update('\u2204').digest('hex').slice(0, 10)}`);
  });

  it('cuts at a word boundary within maxLength', () => {
    const title = 'কৌশলগত ভারসাম্যে আরও ঘনিষ্ঠ হচ্ছে পাকিস্তান-রাশিয়ার সম্পর্ক!';
    expect(slugify(title, 20)).toBe('kaushlgt-bhaarsaamye');
    expect(slugify(title, 25)).toBe('kaushlgt-bhaarsaamye-aaro');
    expect(slugify(title, 24)).toBe('kaushlgt-bhaarsaamye');
    for (let max = MIN_SLUG_LENGTH; max <= 80; max += 1) {
      const slug = slugify(title, max);
      expect(slug.length).toBeLessThanOrEqual(max);
      expect(slug).toMatch(SLUG_SHAPE);
    }
  });

  it('cuts inside a single word longer than maxLength', () => {
    expect(slugify('a'.repeat(100), 12)).toBe('a'.repeat(12));
  });

  it('defaults to 80 characters', () => {
    const slug = slugify('word '.repeat(40));
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug.endsWith('word')).toBe(true);
  });

  it('rejects a maxLength the fallback could not fit', () => {
    expect(() => slugify('x', 5)).toThrow(RangeError);
    expect(() => slugify('x', 20.5)).toThrow(RangeError);
  });
});
