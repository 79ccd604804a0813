export type FetchErrorCode =
  | 'BLOCKED_ADDRESS'
  | 'BAD_URL'
  | 'UNSUPPORTED_SCHEME'
  | 'TIMEOUT'
  | 'TOO_LARGE'
  | 'TOO_MANY_REDIRECTS'
  | 'HTTP_STATUS'
  | 'RATE_LIMITED'
  | 'NETWORK';

export interface FetchErrorDetails {
  /** The URL of the hop that failed. */
  url?: string;
  httpStatus?: number;
  /** Seconds to wait before trying again, from Retry-After (429 and 503). */
  retryAfter?: number;
  cause?: unknown;
}

/** The one error fetchResource rejects with. */
export class FetchError extends Error {
  readonly code: FetchErrorCode;
  readonly url: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryAfter: number | undefined;

  constructor(code: FetchErrorCode, message: string, details: FetchErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'FetchError';
    this.code = code;
    this.url = details.url;
    this.httpStatus = details.httpStatus;
    this.retryAfter = details.retryAfter;
  }
}
