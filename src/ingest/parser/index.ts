export { parseFeed } from './parse-feed';
export { detectFormat } from './detect';
export { FeedParseError, type FeedParseErrorCode } from './errors';
export { clampFutureDate, FUTURE_DATE_TOLERANCE_MS, parseFeedDate, type ClampedDate } from './feed-date';
export { plainTextLine } from './markup';
export { decodeXmlText, charsetFromContentType, type DecodedText } from './charset';
export type { ParsedFeed, ParsedFeedItem, ParseFeedOptions, FeedFormat, DetectedFormat } from './types';
