/**
 * Bylines as printed, turned into the people they name. Only what is clearly a personal name
 * becomes a Person: a desk's initials (`এসএস/এসএন`), a role (`Staff Reporter`, `নিজস্ব
 * প্রতিবেদক`), an agency (`Reuters`, matched by source aliases elsewhere) or a single unknown
 * word stay text in Article.byline and link nobody.
 */
import { isBylineShaped } from '../../text/page-lines';
import { normalizeForSearch, normalizeText } from '../../text/normalize';

/** Words that make a byline part a role or a desk rather than a person. */
const ROLE_WORDS = [
  'staff', 'reporter', 'correspondent', 'desk', 'editor', 'editors', 'editorial', 'team', 'newsroom',
  'news', 'online', 'agency', 'agencies', 'bureau', 'contributor', 'contributors', 'writer', 'admin',
  'administrator', 'webmaster', 'press', 'office', 'service', 'services', 'wire', 'report', 'staffs',
  'প্রতিবেদক', 'ডেস্ক', 'সংবাদদাতা', 'প্রতিনিধি', 'বার্তা', 'সংস্থা', 'নিজস্ব', 'অনলাইন', 'সম্পাদক', 'বিভাগ',
  'مراسل', 'محرر', 'المحرر', 'فريق', 'корреспондент', 'редакция', 'संवाददाता', 'डेस्क', '记者', '编辑',
].map(normalizeForSearch);

/** "By Jane Doe", "লিখেছেন: ..." and the like. */
const LEAD_IN = /^(?:by|von|par|por|di|door|av|af|od|от|автор|written by|লিখেছেন|লেখক|بقلم|द्वारा)\s*[:：-]?\s+/iu;
/** Separators between several people in one byline. */
const SEPARATORS = /\s*(?:,|;|&|\||\/|\band\b|\bund\b|\bet\b|\by\b|\be\b| ও | এবং | و | и | और |、|，)\s*/iu;
const EMAIL = /\S+@\S+/g;
const BRACKETED = /\s*[([{][^)\]}]*[)\]}]\s*/g;
const HAS_DIGIT = /\p{N}/u;
const WORD = /^[\p{L}\p{M}][\p{L}\p{M}.'’\u200C\u200D-]*$/u;

export function isInitialsByline(byline: string): boolean {
  return isBylineShaped(normalizeText(byline));
}

/**
 * The names a byline lists, in order, each NFC-normalised: empty for initials-only bylines.
 * Roles in brackets and e-mail addresses are dropped (`Jane Doe (Reuters)`, `jane@x.com`).
 */
export function bylineNames(byline: string): string[] {
  const text = normalizeText(byline);
  if (text === '' || isBylineShaped(text)) return [];
  const names: string[] = [];
  for (const raw of text.replace(EMAIL, ' ').replace(BRACKETED, ' ').split(SEPARATORS)) {
    const name = normalizeText(raw.replace(LEAD_IN, ''));
    if (name !== '' && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Whether an unknown name may become a new Person: two to five words of letters, no digits, no
 * role word, not initials. A single word is too ambiguous to create anyone from (`Admin`, a
 * desk name, a first name shared by thousands); known people are matched by alias before this.
 */
export function isCreatablePersonName(name: string): boolean {
  const text = normalizeText(name);
  if (text.length > 80 || HAS_DIGIT.test(text) || isBylineShaped(text)) return false;
  const words = text.split(' ');
  if (words.length < 2 || words.length > 5) return false;
  if (!words.every((word) => WORD.test(word))) return false;
  // Initials only (`A. B.`, `J.R.`): nobody can be identified from them.
  if (words.every((word) => word.replace(/[.'’-]/g, '').length <= 1)) return false;
  const key = normalizeForSearch(text);
  return !ROLE_WORDS.some((role) => ` ${key} `.includes(` ${role} `));
}
