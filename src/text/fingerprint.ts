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

const SEEDS = Uint32Array.from({ length: MINHASH_SIZE }, (_, i) => mix(0x9e3779b9 * (i + 1)));

/** Paragraphs that are page furniture (share links, "read more") are not the text. */
function bodyText(paragraphs: readonly string[]): string {
  return paragraphs.filter((paragraph) => !isPageFurniture(paragraph)).join('\n');
}

/*
 * The signatures are computed without building the sets they stand for: a MinHash value is the
 * minimum of a hash over the set's members, and a minimum does not change when a member comes
 * twice, so hashing every shingle (or word) as it is met gives the signature of the set. What a
 * member costs is its MINHASH_SIZE mixes; a shingle's text is never built (its FNV hash is the
 * hash of its three words with the spaces between, fed one after another), which spares a string
 * per shingle and the set that held them, ingestion's largest allocation per article.
 */

/** FNV-1a over `text`, continuing from `hash` (fnv32 is fnvAppend from the offset basis). */
function fnvAppend(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

const FNV_OFFSET = 0x811c9dc5;
const SPACE = 0x20;

/** A signature not yet fed any member: every value at its maximum (a plain array: typed ones cost more to make than 48 values). */
function emptySignature(): number[] {
  return new Array<number>(MINHASH_SIZE).fill(0xffffffff);
}

/** Feeds one member, by its FNV hash, to a signature. */
function addMember(signature: number[], base: number): void {
  for (let i = 0; i < MINHASH_SIZE; i++) {
    const h = mix(base ^ SEEDS[i]!);
    if (h < signature[i]!) signature[i] = h;
  }
}

/** The signature as stored, in place: signed 32-bit values, as Postgres integers. */
function signedValues(signature: number[]): number[] {
  for (let i = 0; i < MINHASH_SIZE; i++) signature[i] = signature[i]! | 0;
  return signature;
}

/** The word 3-shingles' signature: `${a} ${b} ${c}` hashed without being built. */
function shingleSignature(words: readonly string[]): number[] {
  const signature = emptySignature();
  for (let i = 0; i + 3 <= words.length; i++) {
    let hash = fnvAppend(FNV_OFFSET, words[i]!);
    hash = Math.imul(hash ^ SPACE, 0x01000193) >>> 0;
    hash = fnvAppend(hash, words[i + 1]!);
    hash = Math.imul(hash ^ SPACE, 0x01000193) >>> 0;
    addMember(signature, fnvAppend(hash, words[i + 2]!));
  }
  return signedValues(signature);
}

/**
 * The content words' signature (four letters or more: the short ones, the, and, of, ও, are shared
 * by any two texts). A word met again is skipped by its hash (equal hashes feed equal values,
 * whichever words they come from): long texts repeat their names and key words many times.
 */
function wordSignature(lists: ReadonlyArray<readonly string[]>): number[] {
  const signature = emptySignature();
  const seen = new Set<number>();
  for (const list of lists) {
    for (const word of list) {
      if (word.length < 4) continue;
      const base = fnvAppend(FNV_OFFSET, word);
      if (seen.has(base)) continue;
      seen.add(base);
      addMember(signature, base);
    }
  }
  return signedValues(signature);
}

export function fingerprintText(title: string, paragraphs: readonly string[]): TextFingerprint {
  const body = bodyText(paragraphs);
  const bodyWords = words(body);
  let shingles: number[] | null = null;
  const bands: string[] = [];
  if (bodyWords.length >= MIN_BODY_WORDS) {
    shingles = shingleSignature(bodyWords);
    for (let band = 0; band < FINGERPRINT_BANDS; band++) {
      // `<band>:<values>`, its ROWS_PER_BAND values joined by commas.
      let text = `${band}:${shingles[band * ROWS_PER_BAND]}`;
      for (let row = 1; row < ROWS_PER_BAND; row++) text += `,${shingles[band * ROWS_PER_BAND + row]}`;
      bands.push(text);
    }
  }
  return { shingles, bands, words: wordSignature([words(title), bodyWords]), script: detectScript(`${title}\n${body}`) };
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
  // The digest as hex, its first 16 digits read as a signed 64-bit integer: what reading a Buffer
  // digest's first eight bytes big-endian gives, without the Buffer (twice the cost of the hash;
  // an article has a key per band and per person named).
  return BigInt.asIntN(64, BigInt(`0x${hash('md5', text, 'hex').slice(0, 16)}`)).toString();
}

/**
 * Person keys already computed: the same people are named by article after article. Bounded
 * (started again when full), as the people known grow with ingestion.
 */
const personKeys = new Map<string, string>();
const MAX_PERSON_KEYS = 50_000;

/** The lookup key of a person an article names. */
export function personKey(personId: string): string {
  let key = personKeys.get(personId);
  if (key === undefined) {
    key = lookupKey(`p:${personId}`);
    if (personKeys.size >= MAX_PERSON_KEYS) personKeys.clear();
    personKeys.set(personId, key);
  }
  return key;
}
/** The lookup key of one band of a shingle signature. */
export const bandKey = (band: string) => lookupKey(`b:${band}`);
