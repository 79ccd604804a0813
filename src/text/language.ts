/**
 * Script and language helpers. A feed often declares no language, or a wrong one; the script of the
 * text is a fact we can read, the language is only a guess from it, so the two are kept apart.
 */

/**
 * Unicode script names (the Script property values JavaScript regexes accept) we can report. A
 * letter of a script missing here is simply not counted; add the name to support it.
 */
const KNOWN_SCRIPTS = [
  'Latin', 'Bengali', 'Arabic', 'Devanagari', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Cyrillic',
  'Greek', 'Hebrew', 'Thai', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Gujarati', 'Gurmukhi',
  'Oriya', 'Sinhala', 'Myanmar', 'Khmer', 'Lao', 'Tibetan', 'Georgian', 'Armenian', 'Ethiopic',
  'Thaana', 'Syriac', 'Mongolian', 'Tifinagh', 'Cherokee', 'Canadian_Aboriginal', 'Ol_Chiki',
  'Nko', 'Adlam', 'Hanifi_Rohingya', 'Javanese', 'Balinese', 'Sundanese', 'Vai', 'Yi', 'Bopomofo',
  'Meetei_Mayek', 'Chakma', 'Limbu', 'Lepcha', 'Tai_Le', 'Tai_Tham', 'Buginese', 'Batak',
  'Samaritan', 'Mandaic', 'Coptic', 'Glagolitic', 'Runic', 'Ogham',
] as const;

export type ScriptName = (typeof KNOWN_SCRIPTS)[number];

const SCRIPT_TESTS: readonly (readonly [ScriptName, RegExp])[] = KNOWN_SCRIPTS.map(
  (name) => [name, new RegExp(`\\p{Script=${name}}`, 'u')] as const,
);
const LETTER = /\p{L}/u;
const scriptCache = new Map<string, ScriptName | null>();

/**
 * The script of one character (a single code point), or null for characters shared by every
 * script (digits, punctuation, the Japanese long-vowel mark ー) and scripts not in KNOWN_SCRIPTS.
 */
export function scriptOfCharacter(character: string): ScriptName | null {
  const cached = scriptCache.get(character);
  if (cached !== undefined) return cached;
  const found = SCRIPT_TESTS.find(([, test]) => test.test(character));
  const script = found ? found[0] : null;
  // Bounded: only the distinct characters of a few scripts ever reach this cache in practice,
  // but a hostile input could hold many, so stop growing rather than evicting.
  if (scriptCache.size < 20000) scriptCache.set(character, script);
  return script;
}

/**
 * What each code point counts for in letterScriptCounts, found once: asking the regexes (a letter
 * test, then one per script) again for every character of every article was most of what
 * detecting a script cost. The Basic Multilingual Plane's code points are kept in a table
 * (NOT_COMPUTED until met; NOT_A_LETTER; NO_KNOWN_SCRIPT for a letter of a script not listed;
 * otherwise FIRST_SCRIPT plus the script's index in KNOWN_SCRIPTS), the rare others in a bounded map.
 */
const NOT_COMPUTED = 0;
const NOT_A_LETTER = 1;
const NO_KNOWN_SCRIPT = 2;
const FIRST_SCRIPT = 3;
const bmpCodes = new Uint8Array(0x10000);
const astralCodes = new Map<number, number>();
const LATIN = KNOWN_SCRIPTS.indexOf('Latin');

function codeOf(codePoint: number): number {
  const character = String.fromCodePoint(codePoint);
  if (!LETTER.test(character)) return NOT_A_LETTER;
  const script = scriptOfCharacter(character);
  return script ? FIRST_SCRIPT + KNOWN_SCRIPTS.indexOf(script) : NO_KNOWN_SCRIPT;
}

function letterCode(codePoint: number): number {
  if (codePoint <= 0xffff) {
    let code = bmpCodes[codePoint]!;
    if (code === NOT_COMPUTED) bmpCodes[codePoint] = code = codeOf(codePoint);
    return code;
  }
  let code = astralCodes.get(codePoint);
  if (code === undefined) {
    code = codeOf(codePoint);
    if (astralCodes.size < 20000) astralCodes.set(codePoint, code);
  }
  return code;
}

/** Letters per script, in the order the scripts are first met (detectScript's ties go to the first). */
function letterScriptCounts(text: string): Map<ScriptName, number> {
  const counts = new Array<number>(KNOWN_SCRIPTS.length).fill(0);
  const met: number[] = [];
  const normalized = text.normalize('NFC');
  // Code point by code point, as `for (const character of text)` reads it (a lone surrogate is one).
  for (let i = 0; i < normalized.length; i++) {
    const unit = normalized.charCodeAt(i);
    let script: number;
    if (unit < 0x80) {
      // ASCII letters are A-Z and a-z, Latin; nothing else of ASCII is a letter.
      const lower = unit | 0x20;
      if (lower < 0x61 || lower > 0x7a) continue;
      script = LATIN;
    } else {
      const codePoint = normalized.codePointAt(i)!;
      if (codePoint > 0xffff) i++;
      // Letters only: vowel signs and viramas (marks) would weigh Indic text more than Latin text
      // of the same length, and digits/punctuation belong to no script.
      const code = letterCode(codePoint);
      if (code < FIRST_SCRIPT) continue;
      script = code - FIRST_SCRIPT;
    }
    if (counts[script]++ === 0) met.push(script);
  }
  return new Map(met.map((script) => [KNOWN_SCRIPTS[script]!, counts[script]!]));
}

/**
 * The script most letters of the text are written in (a Unicode script name such as `Bengali`,
 * `Arabic`, `Latin`, `Han`), or null when the text has no letters of a known script. Ties go to the
 * script met first.
 */
export function detectScript(text: string): ScriptName | null {
  let best: ScriptName | null = null;
  let bestCount = 0;
  for (const [script, count] of letterScriptCounts(text)) {
    if (count > bestCount) {
      best = script;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Scripts that, on their own, identify one language well enough to label text. Scripts shared by
 * many languages (Latin, Cyrillic, Devanagari, Ethiopic, Tibetan, Syriac ...) are absent on
 * purpose: guessing there would be wrong for a large share of real text.
 */
const SCRIPT_LANGUAGE: Partial<Record<ScriptName, string>> = {
  Bengali: 'bn',
  Arabic: 'ar',
  Hangul: 'ko',
  Hiragana: 'ja',
  Katakana: 'ja',
  // Han without kana is overwhelmingly Chinese; Japanese text nearly always has kana (see below).
  Han: 'zh',
  Greek: 'el',
  Hebrew: 'he',
  Thai: 'th',
  Georgian: 'ka',
  Armenian: 'hy',
  Tamil: 'ta',
  Telugu: 'te',
  Kannada: 'kn',
  Malayalam: 'ml',
  Gujarati: 'gu',
  Gurmukhi: 'pa',
  Oriya: 'or',
  Sinhala: 'si',
  Khmer: 'km',
  Lao: 'lo',
  Myanmar: 'my',
  Thaana: 'dv',
};

// Assamese is written in the Bengali script but has its own ra and wa.
const ASSAMESE_LETTERS = /[\u09F0\u09F1]/u;
// Letters Urdu has and Arabic and Persian do not (ٹ ڈ ڑ ں ھ ہ ۂ ۃ ے ۓ).
const URDU_LETTERS = /[\u0679\u0688\u0691\u06BA\u06BE\u06C1-\u06C3\u06D2\u06D3]/u;
// پ چ ژ گ ک ی: Persian and Urdu share them, Arabic has none.
const PERSO_URDU_LETTERS = /[\u067E\u0686\u0698\u06AF\u06A9\u06CC]/u;
// Letters of Pashto, Sindhi, Kurdish (Sorani), Uyghur and other Arabic-script languages.
const OTHER_ARABIC_SCRIPT_LETTERS = /[\u067A-\u067D\u067F\u0680\u0683-\u0685\u0687\u0689-\u0690\u0692-\u0697\u0699-\u06A8\u06AA-\u06AE\u06B0-\u06B9\u06BB-\u06BD\u06C4-\u06CB\u06CD-\u06D0\u06D5]/u;
// Persian writes heh as U+0647 where Urdu uses ہ/ھ.
const ARABIC_HEH = /\u0647/u;

function guessArabicScriptLanguage(text: string): string | null {
  if (URDU_LETTERS.test(text)) return 'ur';
  if (OTHER_ARABIC_SCRIPT_LETTERS.test(text)) return null;
  if (PERSO_URDU_LETTERS.test(text)) return ARABIC_HEH.test(text) ? 'fa' : null;
  return 'ar';
}

/**
 * A BCP 47 language guessed from the dominant script, only where the script (with a few letters
 * specific to one language) points at a single language: bn for Bengali script (as when the
 * Assamese letters ৰ/ৱ appear), ar/ur/fa for Arabic script, ja for Han text with kana, ko, el, he,
 * th ... Latin, Cyrillic, Devanagari and other shared scripts give null.
 */
export function guessLanguageFromScript(text: string): string | null {
  const counts = letterScriptCounts(text);
  const script = detectScript(text);
  if (!script) return null;
  if (script === 'Bengali') return ASSAMESE_LETTERS.test(text) ? 'as' : 'bn';
  if (script === 'Arabic') return guessArabicScriptLanguage(text);
  if (script === 'Han' && ((counts.get('Hiragana') ?? 0) > 0 || (counts.get('Katakana') ?? 0) > 0)) {
    return 'ja';
  }
  return SCRIPT_LANGUAGE[script] ?? null;
}

/** ISO 15924 codes of scripts written right to left. */
const RIGHT_TO_LEFT_SCRIPTS = new Set([
  'Arab', 'Hebr', 'Thaa', 'Syrc', 'Nkoo', 'Adlm', 'Rohg', 'Mand', 'Samr', 'Mend', 'Yezi', 'Chrs',
  'Phnx', 'Avst', 'Armi', 'Prti', 'Phli', 'Phlp', 'Nbat', 'Palm', 'Hatr', 'Sogd', 'Sogo', 'Elym',
  'Narb', 'Sarb', 'Mani', 'Lydi', 'Khar', 'Cprt', 'Hung', 'Ougr', 'Orkh',
]);

/**
 * Whether text in this language is written right to left. The script comes from the tag itself
 * (`az-Arab`) or from CLDR's likely-subtags data (`ur` → Arab, `ku` → Latn), so this needs no list
 * of languages. Invalid tags give false.
 */
export function isRightToLeft(lang: string): boolean {
  const tag = normalizeLanguageTag(lang);
  if (!tag) return false;
  try {
    const script = new Intl.Locale(tag).maximize().script;
    return script !== undefined && RIGHT_TO_LEFT_SCRIPTS.has(script);
  } catch {
    return false;
  }
}

/**
 * The canonical BCP 47 form of a language tag (`EN-us` → `en-US`, `zh-hant-tw` → `zh-Hant-TW`,
 * deprecated `iw` → `he`), or null when it is not a valid tag. Underscores are accepted as
 * separators because feeds and HTTP headers often carry POSIX-style `en_US`.
 */
export function normalizeLanguageTag(tag: string | null | undefined): string | null {
  if (tag == null) return null;
  const trimmed = tag.trim().replace(/_/g, '-');
  if (trimmed === '') return null;
  try {
    return Intl.getCanonicalLocales(trimmed)[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * A language tag and the tags it extends, lower case, longest first: `zh-Hans-CN` gives
 * `zh-hans-cn`, `zh-hans`, `zh`. Subtags are cut only at hyphens, so `zh` is never a prefix of `zha`.
 */
export function languageTagPrefixes(tag: string): string[] {
  const subtags = tag.trim().toLowerCase().replace(/_/g, '-').split('-').filter((subtag) => subtag !== '');
  return subtags.map((_, i) => subtags.slice(0, subtags.length - i).join('-'));
}

/**
 * Whether text tagged `tag` answers a filter for `filter`: the two tags are equal or one extends
 * the other by whole subtags, case-insensitively. `bn-BD` finds `bn` and `bn` finds `bn-BD`;
 * `zh-Hans` finds `zh` and `zh` finds `zh-Hans`; `zh` does not find `zha`, nor `zh-Hant` `zh-Hans`.
 * The list filters say the same in SQL (languageTagCondition in src/article/article.repository.ts).
 */
export function languageTagMatches(filter: string, tag: string): boolean {
  const a = languageTagPrefixes(filter);
  const b = languageTagPrefixes(tag);
  if (a.length === 0 || b.length === 0) return false;
  return a.includes(b[0]!) || b.includes(a[0]!);
}
