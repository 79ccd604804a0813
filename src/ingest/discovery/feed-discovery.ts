/** Feed discovery: the feeds a home page advertises with <link rel="alternate">. */
import { absoluteHttpUrl } from '../sanitize';
import { normalizeLanguageTag } from '../../text/language';
import { parseHtmlDocument } from '../article-page/article-page.extractor';
import { plainTextLine } from '../parser';

interface DiscoveredFeed {
  url: string;
  title: string | null;
  type: string;
}

export interface DiscoveredPage {
  feeds: DiscoveredFeed[];
  title: string | null;
  language: string | null;
  /** The page's canonical address, or the one it was fetched from. */
  homepageUrl: string;
}

const FEED_TYPES = new Set(['application/rss+xml', 'application/atom+xml', 'application/feed+json', 'application/json', 'application/rdf+xml', 'text/xml', 'application/xml']);

/**
 * The feeds a home page advertises with `<link rel="alternate" type="application/rss+xml" ...>`
 * (and Atom, JSON Feed, RDF), in page order, as absolute http(s) URLs without duplicates.
 */
export function discoverFeeds(html: string, pageUrl: string): DiscoveredPage {
  const document = parseHtmlDocument(html);
  const feeds: DiscoveredFeed[] = [];
  for (const link of document.querySelectorAll('link[rel][href]')) {
    const rel = (link.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (link.getAttribute('type') ?? '').toLowerCase().split(';')[0]!.trim();
    if (!rel.includes('alternate') || !FEED_TYPES.has(type)) continue;
    const url = absoluteHttpUrl(link.getAttribute('href'), pageUrl);
    if (url && !feeds.some((feed) => feed.url === url)) feeds.push({ url, title: plainTextLine(link.getAttribute('title')), type });
  }
  const title =
    plainTextLine(document.querySelector('meta[property="og:site_name"]')?.getAttribute('content')) ??
    plainTextLine(document.querySelector('title')?.textContent);
  const canonical = absoluteHttpUrl(document.querySelector('link[rel~="canonical" i]')?.getAttribute('href'), pageUrl);
  return {
    feeds,
    title,
    language: normalizeLanguageTag(document.documentElement?.getAttribute('lang')),
    homepageUrl: canonical ?? pageUrl,
  };
}
