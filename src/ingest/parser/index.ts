/** Format detection and one adapter per format (RSS 2.0, RSS 1.0, Atom, JSON Feed): a fetched document becomes a ParsedFeed with its entries. */
export { parseFeed } from './parse-feed';
export { detectFormat } from './detect';
export { FeedParseError } from './errors';
export { clampFutureDate, parseFeedDate } from './feed-date';
export { plainTextLine } from './markup';
export { decodeXmlText, charsetFromContentType } from './charset';
export type { ParsedFeed, FeedEntry } from './types';
