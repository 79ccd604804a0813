import { createHash } from 'node:crypto';

/**
 * RSS 2.0, Atom 1.0 (RFC 4287) and JSON Feed 1.1 from one model. Written by hand rather than with
 * the `feed` package: that one is ESM-only (jest cannot load it untransformed), writes JSON Feed
 * 1.0, has no per-item language, xml:lang or text direction, and copies control characters into
 * XML, which strict parsers reject.
 */

/** A person an entry names: the author of its article, or someone the article mentions. */
interface EntryPerson {
  name: string;
  /** The person's slug (their page is `peopleUrl` + slug); null for a byline that names nobody we know. */
  slug: string | null;
}

export interface SyndicationEntry {
  /** Stable, globally unique: the feed item's global ID. */
  id: string;
  /** The item's own link, else its page (or its article's) on the gateway's front page. */
  url: string;
  title: string;
  summary: string | null;
  publishedAt: Date;
  updatedAt: Date;
  imageUrl: string | null;
  /** BCP 47 tag, or null when unknown. */
  language: string | null;
  /** Set for right-to-left languages only. */
  direction: 'rtl' | null;
  publisher: { name: string; url: string | null };
  /** The article's authors; the byline as printed when it names no one we know; empty without an article. */
  authors: EntryPerson[];
  /** People the article names, the most named first; empty without an article. */
  people: Array<EntryPerson & { slug: string }>;
  /**
   * The other outlets that carried the text (a feed lists each text once: Article.carriedBy less
   * the publisher); an outlet's page is `sourcesUrl` + its slug. Empty without an article.
   */
  alsoIn: Array<{ name: string; slug: string }>;
}

export interface SyndicationFeed {
  title: string;
  description: string;
  /** The gateway's front page (`PUBLIC_URL/`). */
  homeUrl: string;
  /** Where people's pages are (`PUBLIC_URL/people/`): a person's is this and their slug. */
  peopleUrl: string;
  /** Where outlets' pages are (`PUBLIC_URL/sources/`): the scheme of the "also in" categories. */
  sourcesUrl: string;
  /** This feed's own URL in each format (filters kept, key dropped). */
  selfUrls: { rss: string; atom: string; json: string };
  /** Set when the feed is filtered to one language. */
  language: string | null;
  direction: 'rtl' | null;
  /** Latest change among the entries (or now, for an empty feed). */
  updated: Date;
  entries: SyndicationEntry[];
}

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

// C0 controls except tab, newline and carriage return; DEL and the C1 controls; lone surrogates;
// the non-characters U+FFFE and U+FFFF. XML 1.0 forbids most of these outright and discourages the
// rest; JSON would carry them, but no reader wants them either.
const UNWANTED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** NFC text without the characters feeds must not carry. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(UNWANTED, '');
}

function xml(text: string): string {
  return cleanText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Plain text as an HTML paragraph, marked with its language and direction. */
function paragraph(text: string, language: string | null, direction: 'rtl' | null): string {
  const lang = language ? ` lang="${xml(language)}"` : '';
  const dir = direction ? ` dir="${direction}"` : '';
  return `<p${lang}${dir}>${xml(text)}</p>`;
}

export function renderFeed(format: FeedFormat, feed: SyndicationFeed): string {
  if (format === 'rss') return renderRss(feed);
  if (format === 'atom') return renderAtom(feed);
  return renderJsonFeed(feed);
}

export function renderRss(feed: SyndicationFeed): string {
  const items = feed.entries.map((entry) => {
    const parts = [
      `<title>${xml(entry.title)}</title>`,
      `<link>${xml(entry.url)}</link>`,
      `<guid isPermaLink="false">${xml(entry.id)}</guid>`,
      `<pubDate>${entry.publishedAt.toUTCString()}</pubDate>`,
      // RSS's own <author> must be an e-mail address; Dublin Core's creator takes a name.
      ...entry.authors.map((author) => `<dc:creator>${xml(author.name)}</dc:creator>`),
      `<dc:publisher>${xml(entry.publisher.name)}</dc:publisher>`,
      entry.publisher.url ? `<source url="${xml(entry.publisher.url)}">${xml(entry.publisher.name)}</source>` : '',
      entry.language ? `<dc:language>${xml(entry.language)}</dc:language>` : '',
      entry.summary ? `<description>${xml(paragraph(entry.summary, entry.language, entry.direction))}</description>` : '',
      // The people the article names, as categories of the feed's people taxonomy (their pages).
      ...entry.people.map((person) => `<category domain="${xml(feed.peopleUrl)}">${xml(person.name)}</category>`),
      // The other outlets that carried the text, as categories of the outlets' taxonomy (RSS has one <source>).
      ...entry.alsoIn.map((outlet) => `<category domain="${xml(feed.sourcesUrl)}">${xml(outlet.name)}</category>`),
      entry.imageUrl ? `<media:content url="${xml(entry.imageUrl)}" medium="image"/>` : '',
    ];
    return `<item>${parts.join('')}</item>`;
  });
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">' +
    '<channel>' +
    `<title>${xml(feed.title)}</title>` +
    `<link>${xml(feed.homeUrl)}</link>` +
    `<description>${xml(feed.description)}</description>` +
    (feed.language ? `<language>${xml(feed.language)}</language>` : '') +
    `<lastBuildDate>${feed.updated.toUTCString()}</lastBuildDate>` +
    '<generator>newsgate</generator>' +
    '<docs>https://www.rssboard.org/rss-specification</docs>' +
    `<atom:link href="${xml(feed.selfUrls.rss)}" rel="self" type="application/rss+xml"/>` +
    items.join('') +
    '</channel></rss>\n'
  );
}

/** A text construct: plain text, or XHTML carrying `dir` when the language is right to left. */
function atomText(element: string, text: string, direction: 'rtl' | null): string {
  if (!direction) return `<${element} type="text">${xml(text)}</${element}>`;
  return `<${element} type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml" dir="${direction}">${xml(text)}</div></${element}>`;
}

export function renderAtom(feed: SyndicationFeed): string {
  const entries = feed.entries.map((entry) => {
    const lang = entry.language ? ` xml:lang="${xml(entry.language)}"` : '';
    // Every entry has an author (the byline, else the publisher), so the feed needs none of its own.
    const authors = entry.authors.length > 0 ? entry.authors : [{ name: entry.publisher.name, slug: null }];
    return (
      `<entry${lang}>` +
      `<id>${xml(atomId(entry.id))}</id>` +
      atomText('title', entry.title, entry.direction) +
      `<link rel="alternate" type="text/html" href="${xml(entry.url)}"/>` +
      `<published>${entry.publishedAt.toISOString()}</published>` +
      `<updated>${entry.updatedAt.toISOString()}</updated>` +
      authors.map((author) => `<author><name>${xml(author.name)}</name>${author.slug ? `<uri>${xml(feed.peopleUrl + author.slug)}</uri>` : ''}</author>`).join('') +
      (entry.summary ? atomText('summary', entry.summary, entry.direction) : '') +
      entry.people.map((person) => `<category term="${xml(person.slug)}" scheme="${xml(feed.peopleUrl)}" label="${xml(person.name)}"/>`).join('') +
      // The other outlets that carried the text: a category each, and a related link to its page.
      entry.alsoIn
        .map(
          (outlet) =>
            `<category term="${xml(outlet.slug)}" scheme="${xml(feed.sourcesUrl)}" label="${xml(outlet.name)}"/>` +
            `<link rel="related" type="text/html" href="${xml(feed.sourcesUrl + outlet.slug)}" title="${xml(outlet.name)}"/>`,
        )
        .join('') +
      (entry.imageUrl ? `<link rel="enclosure" href="${xml(entry.imageUrl)}"/>` : '') +
      '<source>' +
      `<title type="text">${xml(entry.publisher.name)}</title>` +
      (entry.publisher.url ? `<link rel="alternate" href="${xml(entry.publisher.url)}"/>` : '') +
      '</source>' +
      '</entry>'
    );
  });
  const lang = feed.language ? ` xml:lang="${xml(feed.language)}"` : '';
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    `<feed xmlns="http://www.w3.org/2005/Atom"${lang}>` +
    `<id>${xml(feed.selfUrls.atom)}</id>` +
    atomText('title', feed.title, feed.direction) +
    atomText('subtitle', feed.description, feed.direction) +
    `<updated>${feed.updated.toISOString()}</updated>` +
    `<link rel="self" type="application/atom+xml" href="${xml(feed.selfUrls.atom)}"/>` +
    `<link rel="alternate" href="${xml(feed.homeUrl)}"/>` +
    '<generator>newsgate</generator>' +
    entries.join('') +
    '</feed>\n'
  );
}

/** atom:id must be an absolute IRI: the article's opaque ID becomes a tag-free URN. */
function atomId(id: string): string {
  return `urn:newsgate:${encodeURIComponent(id)}`;
}

export function renderJsonFeed(feed: SyndicationFeed): string {
  const body = {
    version: 'https://jsonfeed.org/version/1.1',
    title: cleanText(feed.title),
    home_page_url: feed.homeUrl,
    feed_url: feed.selfUrls.json,
    description: cleanText(feed.description),
    ...(feed.language ? { language: feed.language } : {}),
    items: feed.entries.map((entry) => {
      const authors = entry.authors.length > 0 ? entry.authors : [{ name: entry.publisher.name, slug: null }];
      return {
        id: entry.id,
        url: entry.url,
        title: cleanText(entry.title),
        ...(entry.summary ? { summary: cleanText(entry.summary) } : {}),
        content_text: cleanText(entry.summary ?? entry.title),
        ...(entry.direction ? { content_html: paragraph(entry.summary ?? entry.title, entry.language, entry.direction) } : {}),
        date_published: entry.publishedAt.toISOString(),
        date_modified: entry.updatedAt.toISOString(),
        authors: authors.map((author) => ({ name: cleanText(author.name), ...(author.slug ? { url: feed.peopleUrl + author.slug } : {}) })),
        ...(entry.people.length > 0 ? { tags: entry.people.map((person) => cleanText(person.name)) } : {}),
        ...(entry.imageUrl ? { image: entry.imageUrl } : {}),
        ...(entry.language ? { language: entry.language } : {}),
        // JSON Feed has no publisher or direction: extensions are objects whose names start with "_".
        _newsgate: {
          publisher: { name: cleanText(entry.publisher.name), ...(entry.publisher.url ? { url: entry.publisher.url } : {}) },
          // The people the article names, with their pages (`tags` carries their names alone).
          ...(entry.people.length > 0 ? { people: entry.people.map((person) => ({ name: cleanText(person.name), url: feed.peopleUrl + person.slug })) } : {}),
          // The other outlets that carried the text (the feed lists it once), with their pages.
          ...(entry.alsoIn.length > 0 ? { alsoIn: entry.alsoIn.map((outlet) => ({ name: cleanText(outlet.name), url: feed.sourcesUrl + outlet.slug })) } : {}),
          ...(entry.direction ? { direction: entry.direction } : {}),
        },
      };
    }),
  };
  return `${JSON.stringify(body, null, 1)}\n`;
}

/** A strong validator of the exact bytes served. */
export function entityTag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}
