import { hash } from 'node:crypto';
import { detectScript, type ScriptName } from './language';
import { normalizeForSearch } from './normalize';
import { isPageFurniture } from './page-lines';

/**
 * Text fingerprints for duplicates and story clustering, computed once when an article is stored:
 * two MinHash signatures (MINHASH_SIZE values each; the share of equal values estimates the
 * Jaccard similarity of two sets):
 *
 * - over the word 3-shingles of the normalised body (title and page furniture left out): two
 *   copies of one text with small edits (a word changed, a credit line added) keep most of their
 *   shingles; at NEAR_DUPLICATE_SIMILARITY (0.6) or more they are one text. The signature is cut into
 *   FINGERPRINT_BANDS bands of ROWS_PER_BAND values (locality-sensitive hashing): a pair at 0.7
 *   shares a band with probability 1 - (1 - 0.7^4)^12 = 0.99, a pair at 0.2 with 0.02; the band
 *   keys are what the candidate index looks up.
 * - over the words of title and body (four letters or more): how much two reports share, within
 *   one script only (words of different scripts never match).
 */

const MINHASH_SIZE = 48;
const ROWS_PER_BAND = 4;
const FINGERPRINT_BANDS = MINHASH_SIZE / ROWS_PER_BAND;
export const NEAR_DUPLICATE_SIMILARITY = 0.6;
/** Bodies shorter than this (in words) get no shingle signature: too short to call a copy. */
const MIN_BODY_WORDS = 8;

export interface TextFingerprint {
  /** MinHash over the body's word 3-shingles; null for a body too short to tell. */
  shingles: number[] | null;
  /** The shingle signature's bands, as band keys' texts (`<band>:<values>`). */
  bands: string[];
  /** MinHash over the words of title and body. */
  words: number[];
  /** Dominant script of the text. */
  script: ScriptName | null;
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Words of a text as matching compares them (NFC, lower case), two letters or more. */
function words(text: string): string[] {
  return (normalizeForSearch(text).match(WORD) ?? []).filter((word) => word.length >= 2);
}

/** 32-bit FNV-1a of a string with a seed. */
function fnv32(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** A 32-bit mixer (murmur3's finaliser): one word hash gives MINHASH_SIZE independent ones. */
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

const SEEDS = Array.from({ length: MINHASH_SIZE }, (_, i) => mix(0x9e3779b9 * (i + 1)));

/** Paragraphs that are page furniture (share links, "read more") are not the text. */
function bodyText(paragraphs: readonly string[]): string {
  return paragraphs.filter((paragraph) => !isPageFurniture(paragraph)).join('\n');
}

/** MinHash signature of a set of strings (signed 32-bit values, as Postgres integers). */
function minhashOf(items: Iterable<string>): number[] {
  const signature = SEEDS.map(() => 0xffffffff);
  for (const item of items) {
    const base = fnv32(item, 0);
    for (let i = 0; i < MINHASH_SIZE; i++) {
      const h = mix(base ^ SEEDS[i]!);
      if (h < signature[i]!) signature[i] = h;
    }
  }
  return signature.map((h) => h | 0);
}

export function fingerprintText(title: string, paragraphs: readonly string[]): TextFingerprint {
  const body = bodyText(paragraphs);
  const bodyWords = words(body);
  let shingles: number[] | null = null;
  const bands: string[] = [];
  if (bodyWords.length >= MIN_BODY_WORDS) {
    const set = new Set<string>();
    for (let i = 0; i + 3 <= bodyWords.length; i++) set.add(`${bodyWords[i]} ${bodyWords[i + 1]} ${bodyWords[i + 2]}`);
    shingles = minhashOf(set);
    for (let band = 0; band < FINGERPRINT_BANDS; band++) bands.push(`${band}:${shingles.slice(band * ROWS_PER_BAND, (band + 1) * ROWS_PER_BAND).join(',')}`);
  }
  // Words of four letters or more: the short ones (the, and, of, ও) are shared by any two texts.
  const content = new Set([...words(title), ...bodyWords].filter((word) => word.length >= 4));
  return { shingles, bands, words: minhashOf(content), script: detectScript(`${title}\n${body}`) };
}

/** Estimated Jaccard similarity of two sets from their MinHash signatures (0 when either is missing). */
export function minhashSimilarity(a: readonly number[] | null, b: readonly number[] | null): number {
  if (!a || !b || a.length !== b.length || a.length === 0) return 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/**
 * A candidate-lookup key as a Postgres bigint (decimal text): the first 64 bits of md5 of its
 * text, so SQL computes the same value for backfills (`('x' || left(md5(text), 16))::bit(64)::bigint`).
 */
export function lookupKey(text: string): string {
  return hash('md5', text, 'buffer').readBigInt64BE(0).toString();
}

/** The lookup key of a person an article names. */
export const personKey = (personId: string) => lookupKey(`p:${personId}`);
/** The lookup key of one band of a shingle signature. */
export const bandKey = (band: string) => lookupKey(`b:${band}`);
