/**
 * An article page (HTML) as the facts of a story: title, body paragraphs, byline, lead image,
 * publication time, canonical URL and language. The body comes from @mozilla/readability (Firefox
 * Reader View's extractor) over a linkedom DOM: no script runs and nothing is fetched while
 * parsing. Its output is sanitised into paragraphs like feed content, then cleaned the same way
 * the seed cleans page text (share furniture dropped, a closing line of initials taken as byline).
 *
 * The publication time is the first of: `article:published_time` and the other usual meta tags,
 * JSON-LD (`NewsArticle`, `Article`, `BlogPosting`, also inside `@graph`), a `<time datetime>` in
 * the page, and finally the first date written in the body, read like the seed reads page text:
 * a date without a year (`বুধবার (৩ সেপ্টেম্বর)`) takes it from the newest full date elsewhere on
 * the page (the sidebar's `Sep 03, 2025`).
 */
import { Readability } from '@mozilla/readability';
import { canonicalUrl, sameSite } from '../../common/canonical-url';
import { calendarDateToDate, findDatesInText, isValidCalendarDate, type CalendarDate } from '../../text/dates';
import { normalizeLanguageTag } from '../../text/language';
import { normalizeOptionalText } from '../../text/normalize';
import { parseFeedDate, plainTextLine } from '../parser';
import { cleanBody } from '../processor/body-cleanup';
import { absoluteHttpUrl, sanitizeHtmlToParagraphs } from '../sanitize';

/** The part of the DOM this module reads (the project compiles without the DOM library). */
interface DomElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
}
export interface DomDocument {
  documentElement: DomElement | null;
  body: DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
}

// linkedom ships ES-module typings only; Node loads its CommonJS build, typed here by hand. An ES
// import would not compile: TypeScript refuses to require() what its typings call an ES module.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the typed require above is the way in
const { parseHTML } = require('linkedom') as { parseHTML: (html: string) => { document: DomDocument } };

/** A DOM for untrusted HTML: parsed only, no script runs and nothing is fetched. */
export function parseHtmlDocument(html: string): DomDocument {
  const { document } = parseHTML(html);
  // linkedom builds no <html> for an empty or bare-text input; everything downstream expects one.
  return document.documentElement ? document : parseHTML(`<!DOCTYPE html><html><body>${html}</body></html>`).document;
}

export interface ExtractedPage {
  title: string | null;
  paragraphs: string[];
  /** As printed: Readability's byline, the author meta tag or JSON-LD, or a closing line of initials. */
  byline: string | null;
  /** Names of the authors, when the page lists them separately (meta, JSON-LD). */
  authorNames: string[];
  imageUrl: string | null;
  publishedAt: Date | null;
  modifiedAt: Date | null;
  /** The page's `<link rel=canonical>`, canonicalised, when it points at the same site. */
  canonicalUrl: string | null;
  language: string | null;
  siteName: string | null;
}

export interface ExtractOptions {
  /** IANA zone for dates the page writes without one; default UTC. */
  timeZone?: string | null;
}

// Readability walks every element several times: a page with more is not an article page.
const MAX_ELEMENTS = 30_000;
const ARTICLE_TYPES = new Set(['newsarticle', 'article', 'reportagenewsarticle', 'analysisnewsarticle', 'blogposting', 'opinionnewsarticle', 'report', 'webpage']);

export function extractArticlePage(html: string, pageUrl: string, options: ExtractOptions = {}): ExtractedPage {
  const document = parseHtmlDocument(html);
  const timeZone = options.timeZone ?? 'UTC';
  const meta = readMetadata(document, pageUrl);
  // Every full date on the page (sidebars, footers): the reference for body dates without a year.
  const referenceDate = newestDate(document.body?.textContent ?? '');

  let parsed: ReturnType<Readability['parse']> = null;
  try {
    parsed = new Readability(document as never, { maxElemsToParse: MAX_ELEMENTS }).parse();
  } catch {
    // Too many elements or a structure Readability cannot handle: no body, metadata still counts.
  }
  const cleaned = cleanBody(parsed?.content ? sanitizeHtmlToParagraphs(parsed.content, pageUrl) : []);
  const bodyDate = firstBodyDate(cleaned.paragraphs, referenceDate, timeZone);

  // Title, byline and names are plain text from the same function as every feed format's.
  const byline = plainTextLine(parsed?.byline) ?? meta.author ?? plainTextLine(cleaned.initialsByline);
  return {
    title: plainTextLine(parsed?.title) ?? meta.title,
    paragraphs: cleaned.paragraphs,
    byline,
    authorNames: meta.authorNames,
    imageUrl: meta.imageUrl,
    publishedAt: meta.publishedAt ?? parseFeedDate(parsed?.publishedTime) ?? bodyDate,
    modifiedAt: meta.modifiedAt,
    canonicalUrl: meta.canonicalUrl,
    language: normalizeLanguageTag(meta.language ?? parsed?.lang),
    siteName: plainTextLine(parsed?.siteName) ?? meta.siteName,
  };
}

/** What the page's head and JSON-LD say, read before Readability rewrites the document. */
type PageMetadata = Omit<ExtractedPage, 'paragraphs' | 'byline'> & { author: string | null };

function readMetadata(document: DomDocument, pageUrl: string): PageMetadata {
  const metaContent = (...selectors: string[]): string | null => {
    for (const selector of selectors) {
      const value = normalizeOptionalText(document.querySelector(selector)?.getAttribute('content'));
      if (value) return value;
    }
    return null;
  };
  const metaLine = (...selectors: string[]): string | null => plainTextLine(metaContent(...selectors));
  const jsonLd = readJsonLd(document);
  const canonicalHref = document.querySelector('link[rel~="canonical" i]')?.getAttribute('href') ?? null;
  const canonical = canonicalHref ? canonicalUrl(canonicalHref, pageUrl) : null;
  const authorNames = jsonLd?.authors ?? [];
  const timeElement = document.querySelector('article time[datetime], time[datetime]')?.getAttribute('datetime') ?? null;
  return {
    title: metaLine('meta[property="og:title"]', 'meta[name="twitter:title"]') ?? jsonLd?.headline ?? null,
    author: metaLine('meta[name="author"]', 'meta[property="article:author"]') ?? (authorNames.length > 0 ? authorNames.join(', ') : null),
    authorNames,
    imageUrl: absoluteHttpUrl(metaContent('meta[property="og:image"]', 'meta[name="twitter:image"]') ?? jsonLd?.image ?? null, pageUrl),
    publishedAt:
      parseFeedDate(
        metaContent(
          'meta[property="article:published_time"]',
          'meta[itemprop="datePublished"]',
          'meta[name="pubdate"]',
          'meta[name="publishdate"]',
          'meta[name="date"]',
          'meta[name="DC.date.issued"]',
          'meta[name="dc.date"]',
        ),
      ) ??
      parseFeedDate(jsonLd?.datePublished) ??
      parseFeedDate(timeElement),
    modifiedAt: parseFeedDate(metaContent('meta[property="article:modified_time"]', 'meta[itemprop="dateModified"]') ?? jsonLd?.dateModified),
    // Only an address on the same site: a page must not be able to claim another publisher's URL.
    canonicalUrl: canonical && sameSite(new URL(canonical).hostname, new URL(pageUrl).hostname) ? canonical : null,
    language: document.documentElement?.getAttribute('lang') ?? metaContent('meta[http-equiv="content-language" i]'),
    siteName: metaLine('meta[property="og:site_name"]'),
  };
}

interface JsonLdArticle {
  headline: string | null;
  datePublished: string | null;
  dateModified: string | null;
  authors: string[];
  image: string | null;
}

function readJsonLd(document: DomDocument): JsonLdArticle | null {
  for (const script of document.querySelectorAll('script[type="application/ld+json" i]')) {
    let data: unknown;
    try {
      data = JSON.parse(script.textContent ?? '');
    } catch {
      continue;
    }
    const article = findArticleNode(data, 0);
    if (article) {
      return {
        headline: plainTextLine(asText(article.headline)),
        datePublished: asText(article.datePublished),
        dateModified: asText(article.dateModified),
        authors: asList(article.author)
          .map((author) => plainTextLine(typeof author === 'string' ? author : asText((author as Record<string, unknown>)?.name)))
          .filter((name): name is string => !!name),
        image: asList(article.image).map((image) => (typeof image === 'string' ? image : asText((image as Record<string, unknown>)?.url)))[0] ?? null,
      };
    }
  }
  return null;
}

function findArticleNode(node: unknown, depth: number): Record<string, unknown> | null {
  if (depth > 4 || node === null || typeof node !== 'object') return null;
  if (Array.isArray(node)) {
    for (const entry of node) {
      const found = findArticleNode(entry, depth + 1);
      if (found) return found;
    }
    return null;
  }
  const record = node as Record<string, unknown>;
  const types = asList(record['@type']).map((type) => String(type).toLowerCase());
  if (types.some((type) => ARTICLE_TYPES.has(type)) && (record.datePublished || record.headline)) return record;
  return findArticleNode(record['@graph'], depth + 1);
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function asText(value: unknown): string | null {
  return typeof value === 'string' ? normalizeOptionalText(value) : null;
}

function newestDate(text: string): CalendarDate | undefined {
  let newest: CalendarDate | undefined;
  for (const { date } of findDatesInText(text)) {
    if (!isValidCalendarDate(date)) continue;
    if (!newest || Date.UTC(date.year, date.month - 1, date.day) > Date.UTC(newest.year, newest.month - 1, newest.day)) newest = date;
  }
  return newest;
}

function firstBodyDate(paragraphs: string[], referenceDate: CalendarDate | undefined, timeZone: string): Date | null {
  for (const paragraph of paragraphs) {
    const [first] = findDatesInText(paragraph, { referenceDate });
    if (!first) continue;
    try {
      return calendarDateToDate({ year: first.date.year, month: first.date.month, day: first.date.day, hour: first.date.hour, minute: first.date.minute }, timeZone);
    } catch {
      return null;
    }
  }
  return null;
}
