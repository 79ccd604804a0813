import { parseBaseUrl } from '../sanitize/url';
import { parseAtom } from './atom.adapter';
import { decodeJsonText, decodeXmlText } from './charset';
import { detectFormatFromText, skipProlog } from './detect';
import { FeedParseError } from './errors';
import { parseJsonFeed } from './json-feed.adapter';
import { parseRss1 } from './rss1.adapter';
import { parseRss2 } from './rss2.adapter';
import { type ParseFeedOptions, type ParsedFeed } from './types';
import { type XmlElement, parseXmlDocument } from './xml';

function adapt(root: XmlElement): ParsedFeed {
  switch (root.name) {
    case 'rss':
      return parseRss2(root);
    case 'rdf':
      return parseRss1(root);
    case 'feed':
      return parseAtom(root);
    default:
      throw new FeedParseError('UNSUPPORTED_FORMAT', `Unsupported root element <${root.name}>`);
  }
}

function isJsonBody(body: Buffer): boolean {
  for (let i = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0; i < body.length; i++) {
    const byte = body[i];
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b;
  }
  return false;
}

/**
 * An RSS 2.0/0.9x, RSS 1.0, Atom 1.0/0.3 or JSON Feed document as a ParsedFeed.
 *
 * Throws FeedParseError and nothing else: MALFORMED for an empty, truncated or otherwise broken
 * document, UNSUPPORTED_FORMAT for something that is not a feed (HTML, CDF, other JSON),
 * FORBIDDEN_DTD for a DOCTYPE declaring external or nested entities. HTML fields are returned
 * raw: sanitise them (sanitizeHtml with the item's baseUrl) before storing.
 */
export function parseFeed(body: Buffer, opts: ParseFeedOptions = {}): ParsedFeed {
  const documentUrl = parseBaseUrl(opts.url)?.href ?? null;
  if (isJsonBody(body)) return parseJsonFeed(decodeJsonText(body), documentUrl);

  const { text } = decodeXmlText(body, opts.contentType);
  if (skipProlog(text) >= text.length) throw new FeedParseError('MALFORMED', 'Empty document: no root element');
  // Sniff first so that an HTML page is reported as not a feed rather than as broken XML.
  if (detectFormatFromText(text, opts.contentType) === 'unknown') {
    throw new FeedParseError('UNSUPPORTED_FORMAT', 'Not an RSS, Atom or JSON Feed document');
  }
  return adapt(parseXmlDocument(text, documentUrl));
}
