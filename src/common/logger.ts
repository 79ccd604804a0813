import pino, { type DestinationStream, type Logger } from 'pino';
import { currentRequest } from './request-context';

/**
 * Structured JSON logs, one object a line. A line written while a request is handled, however deep
 * (a service, the error formatter, a failed statement), carries that request's `reqId`: the
 * `mixin` reads it from the request context (src/common/request-context.ts) only when a line is
 * actually written. Credentials are redacted wherever they appear in a logged request.
 * `destination` is stdout unless given (tests capture lines with a stream of their own).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'newsgate' },
    mixin: requestFields,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers.cookie',
        'req.query.key',
        'headers.authorization',
        'headers["x-api-key"]',
        '*.password',
        '*.databaseUrl',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** pino merges the fields of the call into this object, so it must be a new one each time. */
function requestFields(): Record<string, unknown> {
  const request = currentRequest();
  return request ? { reqId: request.reqId } : {};
}
