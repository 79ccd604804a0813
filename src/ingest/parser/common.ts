import { absoluteHttpUrl } from '../sanitize/url';
import { readFeedDate } from './feed-date';
import { normalizeOrNull, plainTextLine } from './markup';
import { type XmlElement, attr, childNamed, childrenNamed, textContent } from './xml';

export const ATOM_NS = ['atom', 'atom03'] as const;

/** Element namespaces an adapter accepts as its own: the root's namespace and the usual ones. */
export function homeNamespaces(root: XmlElement, usual: readonly string[]): string[] {
  return [...new Set([root.ns, ...usual])];
}

export function uniqueNonEmpty(values: Iterable<string | null | undefined>): string[] {
  const seen = new Set<string>();
  for (const value of values) if (value) seen.add(value);
  return [...seen];
}

/** Trimmed raw text of an element, or null; for identifiers, which must not be normalised. */
export function rawText(element: XmlElement | null): string | null {
  if (!element) return null;
  const text = textContent(element).trim();
  return text === '' ? null : text;
}

export function plainText(element: XmlElement | null): string | null {
  return element ? normalizeOrNull(textContent(element)) : null;
}

export function urlText(element: XmlElement | null): string | null {
  return element ? absoluteHttpUrl(textContent(element), element.base) : null;
}

/**
 * A person as feeds write one: `jane@example.com (Jane Doe)`, `Jane Doe <jane@example.com>` or a
 * bare name, in any format (RSS, Atom, JSON Feed), as plain text (plainTextLine). The display name
 * is kept; an address alone is kept as it is.
 */
export function personName(raw: string | null): string | null {
  const text = raw === null ? null : plainTextLine(raw);
  if (text === null) return null;
  const parenthesised = /^\S+@\S+\s*\((.+)\)$/.exec(text);
  if (parenthesised) return normalizeOrNull(parenthesised[1]);
  const angled = /^(.+?)\s*<[^<>\s]+@[^<>\s]+>$/.exec(text);
  if (angled) return normalizeOrNull(angled[1].replace(/^"(.*)"$/, '$1'));
  return text;
}

export interface DatePick {
  date: Date | null;
  /** The date's text named no zone (see FeedDate.zoneless). */
  zoneless: boolean;
  /** The first non-empty text when none of the candidates parsed. */
  unparsed: string | null;
}

export function pickDate(candidates: readonly (XmlElement | null)[]): DatePick {
  let unparsed: string | null = null;
  for (const element of candidates) {
    const text = plainText(element);
    if (text === null) continue;
    const read = readFeedDate(text);
    if (read) return { date: read.date, zoneless: read.zoneless, unparsed: null };
    unparsed ??= text;
  }
  return { date: null, zoneless: false, unparsed };
}

const IMAGE_EXTENSION = /\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)/i;

/**
 * A representative image: Media RSS thumbnails and image content, image enclosures (RSS and
 * Atom), iTunes artwork, in that order of preference.
 */
export function findImage(element: XmlElement, home: readonly string[]): string | null {
  for (const thumbnail of childrenNamed(element, ['media'], 'thumbnail')) {
    const url = absoluteHttpUrl(attr(thumbnail, 'url'), thumbnail.base);
    if (url) return url;
  }
  for (const content of childrenNamed(element, ['media'], 'content')) {
    const medium = attr(content, 'medium')?.toLowerCase();
    const type = attr(content, 'type')?.toLowerCase();
    const url = absoluteHttpUrl(attr(content, 'url'), content.base);
    if (url && (medium === 'image' || type?.startsWith('image/') || (!medium && !type && IMAGE_EXTENSION.test(url)))) return url;
    const nested = childNamed(content, ['media'], 'thumbnail');
    const nestedUrl = nested ? absoluteHttpUrl(attr(nested, 'url'), nested.base) : null;
    if (nestedUrl) return nestedUrl;
  }
  for (const group of childrenNamed(element, ['media'], 'group')) {
    const url = findImage(group, home);
    if (url) return url;
  }
  for (const enclosure of childrenNamed(element, home, 'enclosure')) {
    const url = absoluteHttpUrl(attr(enclosure, 'url'), enclosure.base);
    if (url && (attr(enclosure, 'type')?.toLowerCase().startsWith('image/') || IMAGE_EXTENSION.test(url))) return url;
  }
  for (const link of childrenNamed(element, [...home, ...ATOM_NS], 'link')) {
    if (attr(link, 'rel')?.trim().toLowerCase() !== 'enclosure') continue;
    const url = absoluteHttpUrl(attr(link, 'href'), link.base);
    if (url && (attr(link, 'type')?.toLowerCase().startsWith('image/') || IMAGE_EXTENSION.test(url))) return url;
  }
  const itunes = childNamed(element, ['itunes'], 'image');
  const itunesUrl = itunes ? absoluteHttpUrl(attr(itunes, 'href'), itunes.base) : null;
  if (itunesUrl) return itunesUrl;
  return null;
}

/**
 * The alternate (HTML) link among Atom-style <link rel href type> elements: rel="alternate" or no
 * rel, an HTML type preferred.
 */
export function alternateLink(element: XmlElement, namespaces: readonly string[]): string | null {
  let fallback: string | null = null;
  for (const link of childrenNamed(element, namespaces, 'link')) {
    const rel = (attr(link, 'rel') ?? 'alternate').trim().toLowerCase();
    if (rel !== 'alternate' && rel !== 'http://www.iana.org/assignments/relation/alternate') continue;
    const url = absoluteHttpUrl(attr(link, 'href'), link.base);
    if (!url) continue;
    const type = (attr(link, 'type') ?? '').trim().toLowerCase();
    if (type === '' || type === 'text/html' || type === 'application/xhtml+xml') return url;
    fallback ??= url;
  }
  return fallback;
}

/** The base for relative URLs in an item's HTML (see FeedEntry.baseUrl). */
export function contentBase(content: XmlElement | null, item: XmlElement, itemUrl: string | null): string | null {
  const element = content ?? item;
  if (element.hasXmlBase) return element.base;
  return itemUrl ?? element.base;
}

export function emptyToNull(html: string | null): string | null {
  return html === null || html.trim() === '' ? null : html;
}

