import { absoluteHttpUrl } from '../sanitize/url';
import { personName, uniqueNonEmpty } from './common';
import { FeedParseError } from './errors';
import { parseFeedDate, readFeedDate } from './feed-date';
import { normalizeOrNull, plainTextLine, textToHtml } from './markup';
import { type ParsedFeed, type FeedEntry } from './types';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function names(authors: unknown, author: unknown): string[] {
  // JSON Feed 1.1 has an authors array; 1.0 had a single author.
  const list = Array.isArray(authors) ? authors : isObject(author) ? [author] : [];
  // Names are plain text like every format's (plainTextLine): markup in them is dropped, not stored.
  return uniqueNonEmpty(list.map((a) => (isObject(a) ? personName(str(a.name)) : null)));
}

export const JSON_FEED_VERSION = /^https?:\/\/jsonfeed\.org\/version\/\d/;

function readItem(item: Json, documentUrl: string | null, feedAuthors: string[]): FeedEntry {
  // The spec says id is a string, but 1.0 producers often wrote numbers; both become the same text.
  const id = typeof item.id === 'string' ? item.id.trim() : typeof item.id === 'number' && Number.isFinite(item.id) ? String(item.id) : null;
  const url = absoluteHttpUrl(str(item.url), documentUrl) ?? absoluteHttpUrl(str(item.external_url), documentUrl);
  const html = str(item.content_html);
  const text = str(item.content_text);
  const summary = normalizeOrNull(str(item.summary));
  const publishedText = normalizeOrNull(str(item.date_published));
  const published = readFeedDate(publishedText);
  const publishedAt = published?.date ?? null;
  const ownAuthors = names(item.authors, item.author);
  return {
    guid: id === '' ? null : id,
    url,
    title: plainTextLine(str(item.title)),
    summaryHtml: summary === null ? null : textToHtml(summary),
    contentHtml: html !== null && html.trim() !== '' ? html : text !== null && text.trim() !== '' ? textToHtml(text) : null,
    authors: ownAuthors.length > 0 ? ownAuthors : feedAuthors,
    publishedAt,
    publishedText: publishedAt === null ? publishedText : null,
    publishedWithoutZone: published?.zoneless ?? false,
    updatedAt: parseFeedDate(str(item.date_modified)),
    imageUrl: absoluteHttpUrl(str(item.image), documentUrl) ?? absoluteHttpUrl(str(item.banner_image), documentUrl),
    language: normalizeOrNull(str(item.language)),
    categories: uniqueNonEmpty((Array.isArray(item.tags) ? item.tags : []).map((tag) => plainTextLine(str(tag)))),
    baseUrl: url ?? documentUrl,
  };
}

/**
 * JSON Feed 1.0 and 1.1. Text fields (summary, content_text) are escaped into HTML so that every
 * format hands the same kind of value to the sanitiser. Integer ids beyond 2^53 lose precision
 * in JSON.parse; the spec says ids are strings, and producers that follow it are exact.
 */
export function parseJsonFeed(text: string, documentUrl: string | null): ParsedFeed {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new FeedParseError('MALFORMED', `Malformed JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isObject(document) || typeof document.version !== 'string' || !JSON_FEED_VERSION.test(document.version)) {
    throw new FeedParseError('UNSUPPORTED_FORMAT', 'JSON document without a JSON Feed version');
  }
  const feedUrl = absoluteHttpUrl(str(document.feed_url), documentUrl);
  const base = documentUrl ?? feedUrl;
  const feedAuthors = names(document.authors, document.author);
  return {
    format: 'jsonfeed',
    title: plainTextLine(str(document.title)),
    homepageUrl: absoluteHttpUrl(str(document.home_page_url), base),
    language: normalizeOrNull(str(document.language)),
    entries: (Array.isArray(document.items) ? document.items : []).filter(isObject).map((item) => readItem(item, base, feedAuthors)),
  };
}
