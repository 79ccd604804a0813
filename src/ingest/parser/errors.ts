export type FeedParseErrorCode = 'MALFORMED' | 'UNSUPPORTED_FORMAT' | 'FORBIDDEN_DTD';

/** The one error parseFeed throws: anything else escaping it is a bug. */
export class FeedParseError extends Error {
  readonly code: FeedParseErrorCode;

  constructor(code: FeedParseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeedParseError';
    this.code = code;
  }
}
