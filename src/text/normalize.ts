import { stripBidiControls } from './bidi';

/**
 * The one normalisation every piece of text goes through on its way in (ingest, seed, admin input)
 * and every query goes through before it is compared with stored text. Keeping both sides on the
 * same function is what makes a search typed with precomposed ড় (U+09DC) find text stored as
 * ড + nukta (U+09A1 U+09BC): NFC decomposes U+09DC, because it is a composition exclusion.
 */

// C0 and C1 controls, DEL, and the non-characters XML 1.0 forbids; tab, newline and CR are kept
// where a caller wants lines (normalizeMultiline) and folded to spaces otherwise.
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Every Unicode space separator plus tab/CR/LF, without touching ZWJ/ZWNJ (U+200D/U+200C): those
// are meaningful inside Bengali, Arabic and Persian words.
const WHITESPACE_RUN = /[\s\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g;

/** The text with unpaired surrogates removed; well-formed text (nearly all) is checked natively, not searched. */
function withoutLoneSurrogates(value: string): string {
  return (value as string & { isWellFormed(): boolean }).isWellFormed() ? value : value.replace(LONE_SURROGATES, '');
}

/**
 * Whether folding WHITESPACE_RUN changes the text: a run other than one plain space, that is a
 * whitespace character other than U+0020, or two in a row. Most lines have single spaces only;
 * testing is one pass that builds nothing, where the replacement matches every space and builds
 * the text anew to give the same text back.
 */
const FOLDS = /(?! )[\s\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]|[\s\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]{2}/;

/** NFC, controls removed, whitespace runs folded to one space, trimmed. */
export function normalizeText(value: string): string {
  const text = withoutLoneSurrogates(value).normalize('NFC').replace(CONTROL_CHARS, '');
  return (FOLDS.test(text) ? text.replace(WHITESPACE_RUN, ' ') : text).trim();
}

/** Like normalizeText, or null for null/undefined/blank input. */
export function normalizeOptionalText(value: string | null | undefined): string | null {
  if (value == null) return null;
  const normalized = normalizeText(value);
  return normalized === '' ? null : normalized;
}

/**
 * One line of plain text that people read as a unit and partners print as one: a title, a
 * headline, a person's or an outlet's name, a byline. normalizeText, and bidi embedding, override
 * and isolate controls removed (bidi.ts says why, and what right-to-left text keeps).
 */
export function normalizeLine(value: string): string {
  return normalizeText(stripBidiControls(value));
}

/** Like normalizeLine, or null for null/undefined/blank input. */
export function normalizeOptionalLine(value: string | null | undefined): string | null {
  if (value == null) return null;
  const normalized = normalizeLine(value);
  return normalized === '' ? null : normalized;
}

/** NFC and controls removed, keeping line breaks (for multi-line text such as a page body). */
export function normalizeMultiline(value: string): string {
  return withoutLoneSurrogates(value)
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_CHARS, '')
    .split('\n')
    .map((line) => line.replace(WHITESPACE_RUN, ' ').trim())
    .join('\n');
}

/**
 * The form search compares: normalised text, lower-cased with the root locale (a no-op for
 * scripts without case such as Bengali, Arabic or Chinese).
 */
export function normalizeForSearch(value: string): string {
  return normalizeText(value).toLowerCase();
}
