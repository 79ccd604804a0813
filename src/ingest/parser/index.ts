/** Format detection and one adapter per format (RSS 2.0, RSS 1.0, Atom, JSON Feed): a fetched document becomes a ParsedFeed with its entries. */
export { parseFeed } from './parse-feed';
export { detectFormat } from './detect';
export { FeedParseError, type FeedParseErrorCode } from './errors';
export { clampFutureDate, FUTURE_DATE_TOLERANCE_MS, parseFeedDate, type ClampedDate } from './feed-date';
export { plainTextLine } from './markup';
export { decodeXmlText, charsetFromContentType, type DecodedText } from './charset';
export type { ParsedFeed, FeedEntry, ParseFeedOptions, FeedFormat, DetectedFormat } from './types';
