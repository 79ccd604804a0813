export { normalizeText, normalizeOptionalText, normalizeLine, normalizeOptionalLine, normalizeMultiline, normalizeForSearch } from './normalize';
export { stripBidiControls, hasBidiControls } from './bidi';
export { toAsciiDigits } from './digits';
export {
  type CalendarDate,
  type DateParseOptions,
  type FoundDate,
  parseLocalizedDate,
  findDatesInText,
  calendarDateToDate,
  isValidCalendarDate,
  formatCalendarDate,
} from './dates';
export { slugify, MIN_SLUG_LENGTH } from './slug';
export {
  countAliasOccurrences,
  matchEntities,
  BENGALI_SUFFIXES,
  LATIN_SUFFIXES,
  CYRILLIC_SUFFIXES,
  ARABIC_PREFIXES,
} from './aliases';
export {
  type ScriptName,
  KNOWN_SCRIPTS,
  detectScript,
  scriptOfCharacter,
  guessLanguageFromScript,
  isRightToLeft,
  normalizeLanguageTag,
} from './language';
