/** The processor: a ParsedFeed's entries normalised (text, sanitised HTML, canonical URL, dates, language, bylines) into processed items. */
import { canonicalUrl } from '../../common/canonical-url';
import { feedItemKey } from '../../feed-item/feed-item-key';
import { calendarDateToDate, findDatesInText, type CalendarDate } from '../../text/dates';
import { guessLanguageFromScript, normalizeLanguageTag } from '../../text/language';
import { normalizeLine, normalizeOptionalLine, normalizeOptionalText } from '../../text/normalize';
import { clampFutureDate, type ParsedFeed, type FeedEntry } from '../parser';
import { htmlToText, sanitizeHtmlToParagraphs } from '../sanitize';
import { cleanBody } from './body-cleanup';

/** What the processor needs to know about the source a feed belongs to. */
export interface SourceProfile {
  id: string;
  /** BCP 47; the last resort for items and feeds that state none. */
  language: string | null;
  /** IANA zone for dates written without one; null means UTC. */
  timeZone: string | null;
}

/** One feed item, normalised and ready for the store (and, when it links to a page, for extraction). */
export interface ProcessedItem {
  /** feed_item.item_key: GUID, else canonical link, else headline and day. */
  key: string;
  /** 1-based place in the source's feeds, in publication order as the feed lists it. */
  position: number;
  /** Canonical URL (tracking parameters and fragment dropped), or null when the item has no link. */
  url: string | null;
  headline: string;
  /** Plain text; set when the feed carries both a summary and a full body. */
  summary: string | null;
  /** Sanitised body, one entry per paragraph. */
  paragraphs: string[];
  /** The byline as printed (feed authors, or a closing line of initials). */
  byline: string | null;
  /** The people the feed names as authors, as printed. */
  authorNames: string[];
  /**
   * Null when the feed gives no readable date: the store keeps the first-seen time then. Never
   * later than the fetch time plus FUTURE_DATE_TOLERANCE_MS (see publishedAtClaimed).
   */
  publishedAt: Date | null;
  /** The feed's date when it was further ahead than that and publishedAt became the fetch time. */
  publishedAtClaimed: Date | null;
  /** Clamped like publishedAt, without keeping the claim. */
  updatedAt: Date | null;
  imageUrl: string | null;
  language: string | null;
}

const MAX_HEADLINE_LENGTH = 300;
const MAX_SUMMARY_LENGTH = 2000;

/**
 * A parsed feed as ProcessedItems, in feed order. `now` is the time the feed was fetched: dates
 * later than it (plus a tolerance) are clamped to it. Items with neither a title nor any text are
 * dropped (there is nothing to show); an item repeated in the same feed (same key) is kept once,
 * first occurrence winning, since feeds list newest first.
 */
export function processFeed(feed: ParsedFeed, source: SourceProfile, options: { now: Date; firstPosition?: number }): ProcessedItem[] {
  return [...processedItems(feed, source, options)];
}

/**
 * The same, one item at a time as they are asked for: the ingest store processes a batch's items
 * while the batch before it is being written (src/ingest/source-run.ts), instead of the whole
 * feed before its first write (a fifth of a 10,000-item feed's time, with nothing else running).
 */
export function* processedItems(feed: ParsedFeed, source: SourceProfile, options: { now: Date; firstPosition?: number }): Generator<ProcessedItem, void, undefined> {
  const feedLanguage = normalizeLanguageTag(feed.language);
  const seen = new Set<string>();
  let position = options.firstPosition ?? 1;
  for (const raw of feed.entries) {
    const item = processItem(raw, source, feedLanguage, options.now);
    if (!item || seen.has(item.key)) continue;
    seen.add(item.key);
    item.position = position++;
    yield item;
  }
}

function processItem(raw: FeedEntry, source: SourceProfile, feedLanguage: string | null, now: Date): ProcessedItem | null {
  const base = raw.baseUrl ?? raw.url ?? undefined;
  const body = raw.contentHtml ?? raw.summaryHtml;
  const cleaned = cleanBody(body ? sanitizeHtmlToParagraphs(body, base) : []);
  const summary = raw.contentHtml && raw.summaryHtml ? truncate(normalizeOptionalText(htmlToText(raw.summaryHtml)), MAX_SUMMARY_LENGTH) : null;
  // One line of plain text whatever it came from: the adapters' titles already are (plainTextLine);
  // a headline taken from the body loses its bidi controls here.
  const headline = truncate(normalizeOptionalLine(raw.title) ?? normalizeOptionalLine(cleaned.paragraphs[0]), MAX_HEADLINE_LENGTH);
  if (!headline) return null;

  const url = raw.url ? canonicalUrl(raw.url) : null;
  const timeZone = source.timeZone ?? 'UTC';
  const published = raw.publishedAt && raw.publishedWithoutZone ? wallClockIn(raw.publishedAt, timeZone) : raw.publishedAt;
  const publishedAt = published ?? localizedDate(raw.publishedText, timeZone, now) ?? raw.updatedAt ?? null;
  const authorNames = raw.authors.map(normalizeLine).filter((name) => name !== '');
  // The key takes the day the feed gave, clamped or not: the item is the same item at every fetch.
  const day = calendarDay(publishedAt ?? now, timeZone);
  const clamped = clampFutureDate(publishedAt, now);
  return {
    key: feedItemKey({ guid: raw.guid, url, headline, day }),
    position: 0,
    url,
    headline,
    summary,
    paragraphs: cleaned.paragraphs,
    byline: authorNames.length > 0 ? authorNames.join(', ') : normalizeOptionalLine(cleaned.initialsByline),
    authorNames,
    publishedAt: clamped.date,
    publishedAtClaimed: clamped.claimed,
    updatedAt: clampFutureDate(raw.updatedAt, now).date,
    imageUrl: raw.imageUrl,
    language:
      normalizeLanguageTag(raw.language) ??
      feedLanguage ??
      normalizeLanguageTag(source.language) ??
      guessLanguageFromScript([headline, ...cleaned.paragraphs.slice(0, 2)].join(' ')),
  };
}

/** A wall-clock time the parser read as UTC (the feed named no zone), re-read in the source's zone. */
function wallClockIn(asUtc: Date, timeZone: string): Date {
  if (timeZone === 'UTC') return asUtc;
  const wall = {
    year: asUtc.getUTCFullYear(),
    month: asUtc.getUTCMonth() + 1,
    day: asUtc.getUTCDate(),
    hour: asUtc.getUTCHours(),
    minute: asUtc.getUTCMinutes(),
  };
  return new Date(calendarDateToDate(wall, timeZone).getTime() + asUtc.getUTCSeconds() * 1000 + asUtc.getUTCMilliseconds());
}

/** A date feeds write in words or another script (`৩ সেপ্টেম্বর ২০২৫`), read in the source's zone. */
function localizedDate(text: string | null, timeZone: string, now: Date): Date | null {
  if (!text) return null;
  const [found] = findDatesInText(text, { referenceDate: calendarDay(now, timeZone) });
  if (!found) return null;
  try {
    return calendarDateToDate(found.date, timeZone);
  } catch {
    return null;
  }
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day an instant falls on in a zone. */
function calendarDay(instant: Date, timeZone: string): CalendarDate {
  // UTC, the zone of most sources, without Intl (formatToParts costs more than the rest of an
  // item's dates). Years before 1600 are left to Intl, whose Gregorian calendar is Julian before
  // 1582, and years past 9999 too.
  const year = instant.getUTCFullYear();
  if (timeZone === 'UTC' && year >= 1600 && year <= 9999) return { year, month: instant.getUTCMonth() + 1, day: instant.getUTCDate() };
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-u-ca-gregory-nu-latn', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    dayFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const get = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

function truncate(text: string | null, max: number): string | null {
  if (text === null || text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
