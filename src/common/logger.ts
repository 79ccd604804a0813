import pino, { type Logger } from 'pino';

/** Structured JSON logs. Credentials are redacted wherever they appear in a logged request. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'newsgate' },
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
  });
}
