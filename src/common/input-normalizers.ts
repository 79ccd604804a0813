import { canonicalUrl } from './canonical-url';
import { BadUserInputError } from './errors/domain-errors';

/** A BCP 47 tag in canonical case (`bn`, `zh-Hant`, `pt-BR`), or BAD_USER_INPUT. */
export function normalizeLanguageFilter(tag: string, argument: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    if (canonical) return canonical;
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError(`"${argument}" is not a BCP 47 language tag (such as "bn", "en" or "zh-Hans").`, { argument });
}

/**
 * The form article URLs are stored in (canonicalUrl), so `article(url:)` finds an article whatever
 * case the host was typed in or whether a fragment or tracking parameters were pasted along.
 */
export function normalizeUrlForLookup(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new BadUserInputError('"url" is not an absolute URL.', { argument: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadUserInputError('"url" must be an http or https URL.', { argument: 'url' });
  }
  return canonicalUrl(url.href)!;
}
