/**
 * URL slugs from titles in any script. Slugs are ASCII so they survive every URL, log and shell
 * untouched; `transliteration` is used because the usual slug libraries return an empty string
 * (or ":") for Bengali and other non-Latin titles.
 */
import { createHash } from 'node:crypto';
import { transliterate } from 'transliteration';
import { toAsciiDigits } from './digits';
import { normalizeText } from './normalize';

/** The length of the hash fallback (`n-` and ten hex digits): no slug limit may be shorter. */
export const MIN_SLUG_LENGTH = 12;

// Apostrophes inside a transliterated word (য় → y') belong to the word: dropping them keeps
// `raashiyaar` in one piece instead of `raashiy-aar`.
const APOSTROPHES = /['’ʼ`´]/g;
const NOT_SLUG = /[^a-z0-9]+/g;

/**
 * A readable ASCII slug: transliterated, lower case, words joined by single hyphens, no hyphen at
 * either end, at most maxLength characters cut at a word boundary (a single word longer than that
 * is cut inside). Never empty: text that transliterates to nothing (emoji, symbols, empty) gets
 * `n-` plus the first ten hex digits of the SHA-256 of its NFC form, stable across runs.
 */
export function slugify(text: string, maxLength = 80): string {
  if (!Number.isInteger(maxLength) || maxLength < MIN_SLUG_LENGTH) {
    throw new RangeError(`slug maxLength must be an integer >= ${MIN_SLUG_LENGTH}, got ${maxLength}`);
  }
  const normalized = normalizeText(text);
  const slug = transliterate(toAsciiDigits(normalized))
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(NOT_SLUG, '-')
    .replace(/^-+|-+$/g, '');
  if (slug === '') return `n-${createHash('sha256').update(normalized, 'utf8').digest('hex').slice(0, 10)}`;
  return truncateAtWord(slug, maxLength);
}

function truncateAtWord(slug: string, maxLength: number): string {
  if (slug.length <= maxLength) return slug;
  // A hyphen right after the cut means the cut already falls between words.
  const window = slug.slice(0, maxLength + 1);
  const lastHyphen = window.lastIndexOf('-');
  const cut = lastHyphen > 0 ? window.slice(0, lastHyphen) : slug.slice(0, maxLength);
  return cut.replace(/-+$/, '');
}
