/**
 * Finding mentions of known names (people, outlets) in text of any script.
 *
 * Both sides go through normalizeForSearch, so NFC differences (precomposed ড়/য় vs nukta forms),
 * whitespace and case do not matter. A match must be a whole word at both ends, because a name
 * inside a longer word is another word (`Putinism`, `পুতিনবাদ`). What counts as "whole word"
 * depends on the script the alias is written in at each end:
 *
 * - Bengali attaches case endings and particles to the name (`পুতিনের`, `পুতিনও`, `শরিফকে`):
 *   after a Bengali alias one of BENGALI_SUFFIXES may sit before the word boundary.
 * - Latin: a possessive (`Putin's`, `Putin’s`, or the bare apostrophe of `Moses'`) may follow; an apostrophe followed by a
 *   letter otherwise continues the word (`O'Brien`), so it is not a boundary.
 * - Cyrillic names decline (`Путина`, `Путину`, `Путиным`): the additive endings are allowed.
 * - Arabic script attaches one-letter proclitics in front (`وبوتين` "and Putin", `لبوتين`).
 * - Han, Hiragana, Katakana and Hangul: no check at that end at all. Chinese and Japanese put no
 *   spaces between words, so a name is always followed (and preceded) by other letters; Korean
 *   attaches particles directly (`푸틴은`, `푸틴의`). Substring matching is the only workable rule;
 *   the price is that a name inside a longer word is also found there.
 * - Every other script: an exact word.
 */
import { scriptOfCharacter, type ScriptName } from './language';
import { normalizeForSearch } from './normalize';

/**
 * Endings and particles that may follow a name written in Bengali script, longest first so the
 * longest one that ends at a word boundary is tried first: case endings (এর/ের/র genitive, কে
 * objective, তে/য়/ে locative, দের/রা plural), emphatic and inclusive particles (ও, ই and their
 * combinations), classifiers (টি, টা) and সহ ("with").
 */
export const BENGALI_SUFFIXES = [
  'দেরকে', 'য়েরও', 'য়েরই', 'দেরও', 'দেরই', 'য়ের',
  'েরও', 'েরই', 'কেও', 'কেই', 'দের', 'রাও', 'রাই', 'টিও', 'টিই', 'য়ে',
  'এর', 'ের', 'কে', 'রা', 'তে', 'টি', 'টা', 'সহ', 'রও', 'রই', 'য়',
  'ও', 'ই', 'র', 'ে',
] as const;

/** Possessive endings after a name written in Latin script. */
const LATIN_SUFFIXES = ["'s", '’s', "'", '’'] as const;

/** Case endings added to (not replacing the end of) a name written in Cyrillic. */
const CYRILLIC_SUFFIXES = ['ами', 'ым', 'ом', 'ой', 'ах', 'ам', 'ых', 'а', 'у', 'е', 'ы'] as const;

/** Proclitics written joined to the front of a word in Arabic script: و ف ب ل ك and pairs. */
const ARABIC_PREFIXES = ['وب', 'ول', 'وك', 'فب', 'فل', 'و', 'ف', 'ب', 'ل', 'ك'] as const;

interface ScriptRule {
  prefixes?: readonly string[];
  suffixes?: readonly string[];
  /** No word boundary is required at this end (scripts written without spaces). */
  substring?: boolean;
}

const SCRIPT_RULES: Partial<Record<ScriptName, ScriptRule>> = {
  Bengali: { suffixes: BENGALI_SUFFIXES },
  Latin: { suffixes: LATIN_SUFFIXES },
  Cyrillic: { suffixes: CYRILLIC_SUFFIXES },
  Arabic: { prefixes: ARABIC_PREFIXES },
  Han: { substring: true },
  Hiragana: { substring: true },
  Katakana: { substring: true },
  Hangul: { substring: true },
};

/** Normalised once: NFC turns precomposed য় into two code units, so lengths change. */
const normalizedAffixes = new Map<readonly string[], string[]>();
function affixes(list: readonly string[] | undefined): string[] {
  if (!list) return [];
  let normalized = normalizedAffixes.get(list);
  if (!normalized) {
    normalized = list.map(normalizeForSearch).sort((a, b) => b.length - a.length);
    normalizedAffixes.set(list, normalized);
  }
  return normalized;
}

// ZWJ/ZWNJ sit inside Bengali, Persian and Arabic words (র‍্যা), so they do not end a word.
const WORD_CHAR = /[\p{L}\p{M}\p{N}\u200C\u200D]/u;
const LETTER = /\p{L}/u;

/*
 * Word boundaries are decided by code point, through a table of the Basic Multilingual Plane filled
 * as characters are met (0: not yet asked; WORD; NOT_WORD), with the regex above asked once per
 * character: a match is checked at both ends, and asking the regex each time (on a string made of
 * the character) cost more than finding the match. Astral characters ask the regex every time.
 */
const WORD = 1;
const NOT_WORD = 2;
const wordCodes = new Uint8Array(0x10000);

function isWordCodePoint(codePoint: number): boolean {
  if (codePoint > 0xffff) return WORD_CHAR.test(String.fromCodePoint(codePoint));
  let code = wordCodes[codePoint]!;
  if (code === 0) wordCodes[codePoint] = code = WORD_CHAR.test(String.fromCharCode(codePoint)) ? WORD : NOT_WORD;
  return code === WORD;
}

const isApostrophe = (codePoint: number) => codePoint === 0x27 || codePoint === 0x2019 || codePoint === 0x2bc;

/** The code point that ends just before `index` (a surrogate pair is one; a lone surrogate is itself). */
function codePointBefore(text: string, index: number): number {
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  }
  return low;
}

function isWordStart(text: string, index: number): boolean {
  return index <= 0 || !isWordCodePoint(codePointBefore(text, index));
}

function isWordEnd(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return true;
  const next = text.codePointAt(index)!;
  if (isWordCodePoint(next)) return false;
  // O'Brien, don't: an apostrophe between letters is inside the word.
  if (isApostrophe(next)) {
    const after = index + 1;
    return after >= text.length || !isWordCodePoint(text.codePointAt(after)!);
  }
  return true;
}

interface CompiledAlias {
  text: string;
  startRule: ScriptRule;
  endRule: ScriptRule;
  /** gramKey of the text's first GRAM code units; -1 for a text shorter than that. */
  gram: number;
}

/**
 * Aliases compiled once: every article is matched against every known name, and compiling one
 * (normalising it, finding its scripts) costs more than looking for it. Bounded, because the names
 * known grow with the people ingestion creates; when full it starts again.
 */
const compiledAliases = new Map<string, CompiledAlias | null>();
const MAX_COMPILED_ALIASES = 100_000;

function compileAlias(alias: string): CompiledAlias | null {
  let compiled = compiledAliases.get(alias);
  if (compiled === undefined) {
    if (compiledAliases.size >= MAX_COMPILED_ALIASES) compiledAliases.clear();
    compiled = compileAliasNow(alias);
    compiledAliases.set(alias, compiled);
  }
  return compiled;
}

function compileAliasNow(alias: string): CompiledAlias | null {
  const text = normalizeForSearch(alias);
  if (text === '') return null;
  const letters = [...text].filter((c) => LETTER.test(c));
  const first = letters.length > 0 ? scriptOfCharacter(letters[0]!) : null;
  const last = letters.length > 0 ? scriptOfCharacter(letters[letters.length - 1]!) : null;
  return {
    text,
    startRule: (first && SCRIPT_RULES[first]) || {},
    endRule: (last && SCRIPT_RULES[last]) || {},
    gram: text.length >= GRAM ? gramKey(text, 0) : -1,
  };
}

/*
 * A text matched against many names (every outlet known, for the citations of every article) is
 * first read once for the GRAM-unit sequences it holds, hashed into a table of stamps: a name whose
 * first GRAM units are not in it cannot occur in the text, and is not looked for. A hash can only
 * say "maybe" where the answer is no (two sequences sharing a slot), never the reverse, so the
 * names found are exactly those the search of every name finds; it spares the search of the
 * hundreds that are not there. Short lists are searched directly: reading the text costs more
 * than a few searches.
 */
const GRAM = 3;
const GRAM_SLOTS = 1 << 16;
/** Entities from which a text is read for its grams first. */
const GATED_ENTITIES = 16;
const gramStamps = new Uint32Array(GRAM_SLOTS);
let gramGeneration = 0;

function gramKey(text: string, at: number): number {
  return (Math.imul(text.charCodeAt(at), 961) + Math.imul(text.charCodeAt(at + 1), 31) + text.charCodeAt(at + 2)) & (GRAM_SLOTS - 1);
}

/** Stamps the grams of `text` with a new generation (synchronous: one text at a time) and returns it. */
function stampGrams(text: string): number {
  if (gramGeneration === 0xffffffff) {
    gramStamps.fill(0);
    gramGeneration = 0;
  }
  const generation = ++gramGeneration;
  for (let at = 0; at + GRAM <= text.length; at++) gramStamps[gramKey(text, at)] = generation;
  return generation;
}

function startMatches(text: string, index: number, rule: ScriptRule): boolean {
  if (rule.substring || isWordStart(text, index)) return true;
  return affixes(rule.prefixes).some(
    (prefix) => index >= prefix.length && text.startsWith(prefix, index - prefix.length) && isWordStart(text, index - prefix.length),
  );
}

function endMatches(text: string, index: number, rule: ScriptRule): boolean {
  if (rule.substring || isWordEnd(text, index)) return true;
  return affixes(rule.suffixes).some((suffix) => text.startsWith(suffix, index) && isWordEnd(text, index + suffix.length));
}

interface Span {
  start: number;
  end: number;
}

/** Where the alias occurs in already-normalised text, overlapping occurrences included. */
function findSpans(normalizedText: string, alias: CompiledAlias): Span[] {
  const spans: Span[] = [];
  for (let at = normalizedText.indexOf(alias.text); at !== -1; at = normalizedText.indexOf(alias.text, at + 1)) {
    const end = at + alias.text.length;
    if (startMatches(normalizedText, at, alias.startRule) && endMatches(normalizedText, end, alias.endRule)) {
      spans.push({ start: at, end });
    }
  }
  return spans;
}

/**
 * How many times the text mentions the alias (see the module comment for what counts as a
 * mention). Occurrences never overlap: the leftmost wins.
 */
export function countAliasOccurrences(text: string, alias: string): number {
  return matchEntities(text, [{ id: '', aliases: [alias] }]).get('') ?? 0;
}

/**
 * Mentions per entity: id → number of mentions, for entities mentioned at least once.
 *
 * Each stretch of text is one mention: where aliases overlap (`ভ্লাদিমির পুতিন` and its tail
 * `পুতিন`), the leftmost, then longest, match wins, whichever entity it belongs to, so an entity
 * whose full name contains another entity's alias takes the mention. When entities tie (two
 * entities share the same alias at the same place) each of them is credited: the text cannot tell
 * them apart, and dropping the mention would hide it from both. Entities sharing an id are one entity.
 */
export function matchEntities<T extends { id: string; aliases: string[] }>(text: string, entities: T[]): Map<string, number> {
  return matchEntitiesInSearchText(normalizeForSearch(text), entities);
}

/**
 * An entity list's aliases compiled, in the list's order (entity by entity, alias by alias), kept
 * for as long as the list holds the same entities with the same aliases: a run matches every
 * article against the same lists (every outlet known, for citations), and looking each alias up
 * again for every article cost more than searching for it.
 */
interface CompiledList {
  /** The list as compiled: each entity's id and aliases, to tell that it has not changed since. */
  entities: Array<{ entity: object; id: string; aliases: readonly string[] }>;
  aliases: Array<{ id: string; compiled: CompiledAlias }>;
}
const compiledLists = new WeakMap<readonly object[], CompiledList>();

function compiledList(entities: ReadonlyArray<{ id: string; aliases: readonly string[] }>): CompiledList['aliases'] {
  const known = compiledLists.get(entities);
  if (known && sameEntities(known, entities)) return known.aliases;
  const list: CompiledList = { entities: [], aliases: [] };
  for (const entity of entities) {
    list.entities.push({ entity, id: entity.id, aliases: [...entity.aliases] });
    for (const alias of entity.aliases) {
      const compiled = compileAlias(alias);
      if (compiled) list.aliases.push({ id: entity.id, compiled });
    }
  }
  compiledLists.set(entities, list);
  return list.aliases;
}

/** Whether a list still holds what it held when compiled (entities may be added, as ingestion adds people). */
function sameEntities(list: CompiledList, entities: ReadonlyArray<{ id: string; aliases: readonly string[] }>): boolean {
  if (list.entities.length !== entities.length) return false;
  for (let i = 0; i < entities.length; i++) {
    const entity = entities[i]!;
    const was = list.entities[i]!;
    if (entity !== was.entity || entity.id !== was.id || entity.aliases.length !== was.aliases.length) return false;
    for (let j = 0; j < was.aliases.length; j++) if (entity.aliases[j] !== was.aliases[j]) return false;
  }
  return true;
}

/**
 * matchEntities for text already in normalizeForSearch's form (an article's search text): normalised
 * once for every list matched. `excludeId`: that entity is left out, as if not in the list (an
 * article does not cite its own outlet), without making another list for every article.
 */
export function matchEntitiesInSearchText<T extends { id: string; aliases: string[] }>(normalizedText: string, entities: readonly T[], excludeId?: string): Map<string, number> {
  const found: (Span & { id: string })[] = [];
  const generation = entities.length >= GATED_ENTITIES ? stampGrams(normalizedText) : 0;
  for (const { id, compiled } of compiledList(entities)) {
    if (id === excludeId) continue;
    if (generation !== 0 && compiled.gram !== -1 && gramStamps[compiled.gram] !== generation) continue;
    // Written out, not `{ ...span, id }`: a spread followed by a property is a slow path of V8
    // (Node 20), a microsecond per mention, more than finding it.
    for (const span of findSpans(normalizedText, compiled)) found.push({ start: span.start, end: span.end, id });
  }
  if (found.length > 1) found.sort((a, b) => a.start - b.start || b.end - a.end);

  const counts = new Map<string, number>();
  let winner: Span | null = null;
  // The entities credited with the winning span (a few at most: those sharing one alias).
  const credited: string[] = [];
  for (const span of found) {
    const tiesWinner = winner !== null && span.start === winner.start && span.end === winner.end;
    if (winner !== null && span.start < winner.end && !tiesWinner) continue;
    if (!tiesWinner) {
      winner = span;
      credited.length = 0;
    }
    if (credited.includes(span.id)) continue;
    credited.push(span.id);
    counts.set(span.id, (counts.get(span.id) ?? 0) + 1);
  }
  return counts;
}

/** Every prefix and suffix some script's rule allows around a name: the candidates nameFormsOfQuery tries. */
const ALL_PREFIXES = [...new Set(Object.values(SCRIPT_RULES).flatMap((rule) => rule.prefixes ?? []))];
const ALL_SUFFIXES = [...new Set(Object.values(SCRIPT_RULES).flatMap((rule) => rule.suffixes ?? []))];
const EDGE_NON_WORD = /^[^\p{L}\p{M}\p{N}]+|[^\p{L}\p{M}\p{N}]+$/gu;
/** Longer queries are sentences, not names: no alias is that long. */
const MAX_NAME_QUERY_LENGTH = 200;

/**
 * The names a search query can be, read as the alias matcher reads a mention: every normalised
 * form `name` such that matchEntities would find `name` spanning the whole query, inflection and
 * clitics included. `পুতিনের` gives `পুতিনের` and `পুতিন` (genitive ের), `Putin’s` gives
 * `putin’s` and `putin`, `Путина` gives `путина` and `путин`, `وبوتين` gives `بوتين`; `Putinism`
 * gives only itself (no Latin ending `ism`). A stored alias equal (after normalizeForSearch) to one
 * of these forms is an alias the query names, so search finds what mentions that entity exactly as
 * ingestion linked it. Leading and trailing punctuation is ignored (`পুতিন।`, `"Putin"`). A query
 * of several names or words yields only the whole query (a name is the whole query or nothing).
 */
export function nameFormsOfQuery(query: string): string[] {
  const text = normalizeForSearch(query).replace(EDGE_NON_WORD, '');
  if (text === '' || text.length > MAX_NAME_QUERY_LENGTH) return [];
  const starts = new Set([0, ...affixes(ALL_PREFIXES).filter((prefix) => text.startsWith(prefix)).map((prefix) => prefix.length)]);
  const ends = new Set([text.length, ...affixes(ALL_SUFFIXES).filter((suffix) => text.endsWith(suffix)).map((suffix) => text.length - suffix.length)]);
  const forms = new Set<string>();
  for (const start of starts) {
    for (const end of ends) {
      if (end <= start) continue;
      const form = text.slice(start, end);
      const compiled = compileAlias(form);
      // A form the normaliser would change (a space left before an ending) is no stored alias.
      if (!compiled || compiled.text !== form) continue;
      if (findSpans(text, compiled).some((span) => span.start === start && span.end === end)) forms.add(form);
    }
  }
  return [...forms];
}
