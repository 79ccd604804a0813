import { decodeJsonText, decodeXmlText } from './charset';
import { JSON_FEED_VERSION } from './json-feed.adapter';
import { type DetectedFormat } from './types';

const SNIFF_BYTES = 64 * 1024;

/** Index of the first character after the prolog's declarations, comments and DOCTYPE. */
export function skipProlog(text: string): number {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('<?', i) || text.startsWith('<!--', i)) {
      const close = text.indexOf(text[i + 1] === '?' ? '?>' : '-->', i + 2);
      if (close === -1) return text.length;
      i = close + (text[i + 1] === '?' ? 2 : 3);
    } else if (text.slice(i, i + 9).toUpperCase() === '<!DOCTYPE') {
      // A rough skip is enough to find the root: the internal subset ends with "]" then ">".
      const subset = text.indexOf('[', i);
      const firstClose = text.indexOf('>', i);
      if (firstClose === -1) return text.length;
      const close = subset !== -1 && subset < firstClose ? text.indexOf(']', subset) : i;
      if (close === -1) return text.length;
      const end = text.indexOf('>', close);
      if (end === -1) return text.length;
      i = end + 1;
    } else {
      return i;
    }
  }
}

/** The format a decoded document looks like, from its root element (or JSON Feed version). */
export function detectFormatFromText(text: string, contentType?: string): DetectedFormat {
  const head = text.slice(0, SNIFF_BYTES).replace(/^\uFEFF/, '');
  const start = skipProlog(head);
  if (head[start] === '{') {
    // JSON may escape the slashes of the version URL.
    const version = /"version"\s*:\s*"([^"]*)"/.exec(head);
    if (version && JSON_FEED_VERSION.test(version[1].replace(/\\\//g, '/'))) return 'jsonfeed';
    return /^application\/feed\+json\b/i.test(contentType ?? '') ? 'jsonfeed' : 'unknown';
  }
  const root = /^<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(head.slice(start));
  if (!root) return 'unknown';
  switch (root[1].toLowerCase()) {
    case 'rss':
      return 'rss2';
    case 'feed':
      return 'atom';
    case 'rdf':
      // An RDF document is a feed when it speaks RSS 1.0 / 0.90 or has channel or item elements.
      return /purl\.org\/rss\/1\.0|my\.netscape\.com\/rdf\/simple\/0\.9|<(?:[\w.-]+:)?(?:channel|item)\b/i.test(head) ? 'rss1' : 'unknown';
    default:
      return 'unknown';
  }
}

/**
 * The format of a feed body, sniffed from its first 64 KB (decoded with the same charset rules as
 * parseFeed). CDF, HTML pages and other XML are 'unknown'.
 */
export function detectFormat(body: Buffer, contentType?: string): DetectedFormat {
  const head = body.subarray(0, SNIFF_BYTES);
  const firstByte = head.toString('latin1').replace(/^(\u00EF\u00BB\u00BF|\s)+/, '')[0];
  if (firstByte === '{') return detectFormatFromText(decodeJsonText(head), contentType);
  return detectFormatFromText(decodeXmlText(head, contentType).text, contentType);
}
