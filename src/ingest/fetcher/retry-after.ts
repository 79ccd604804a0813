/**
 * Retry-After as seconds from now: delta-seconds or an HTTP-date (RFC 9110 10.2.3). A date in the
 * past gives 0; anything unreadable gives undefined.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // HTTP-dates always carry GMT; requiring it keeps Date.parse from guessing a local time zone.
  if (!/\bGMT$/i.test(text)) return undefined;
  const time = Date.parse(text);
  if (Number.isNaN(time)) return undefined;
  return Math.max(0, Math.ceil((time - now) / 1000));
}
