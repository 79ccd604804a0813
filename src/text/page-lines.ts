/**
 * Lines of a news page that are not article text, recognised in any language: page furniture
 * (share buttons and the like) and a desk's sign-off of initials. Shared by the seed's text
 * parser and ingestion's body clean-up.
 */
import { normalizeForSearch } from './normalize';

/** Share buttons and similar page chrome that is never article text. */
const PAGE_FURNITURE: readonly string[] = [
  'Share this news on', 'Share this article', 'Share this story', 'Share this', 'Share', 'Print',
  'শেয়ার করুন', 'খবরটি শেয়ার করুন', 'শেয়ার', 'প্রিন্ট',
  'شارك', 'شارك الخبر', 'مشاركة', 'طباعة', 'شیئر کریں',
  'शेयर करें', 'Поделиться', 'Partager', 'Teilen', 'Compartir', 'Compartilhar', 'Paylaş',
  '分享', '分享到', '共有', '공유',
];

// Initials (letters and marks of any script, optional dots) joined by slashes.
const BYLINE_SHAPE = /^[\p{L}\p{M}.]{1,12}(?:\s*\/\s*[\p{L}\p{M}.]{1,12})+$/u;
const BYLINE_MAX_LENGTH = 40;

/** The form labels and lines are compared in: search form without surrounding punctuation. */
export function labelKey(value: string): string {
  return normalizeForSearch(value).replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
}

const FURNITURE_KEYS = new Set(PAGE_FURNITURE.map(labelKey));

/**
 * Longer than this, a line is text: the longest label above has 18 UTF-16 units, and what surrounds
 * one on a page is a colon or a few spaces. Spares normalising every paragraph of every article
 * (ingestion asks about each one when it fingerprints a text).
 */
const FURNITURE_MAX_LENGTH = 64;

/** Whether a line or paragraph is page furniture (`Share this news on:`), in any listed language. */
export function isPageFurniture(text: string): boolean {
  return text.length <= FURNITURE_MAX_LENGTH && FURNITURE_KEYS.has(labelKey(text));
}

/** Initials joined by slashes (`এসএস/এসএন`, `AB/CD`): a desk's sign-off that names nobody. */
export function isBylineShaped(text: string): boolean {
  return text.length <= BYLINE_MAX_LENGTH && BYLINE_SHAPE.test(text);
}
