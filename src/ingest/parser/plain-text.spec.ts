import { extractArticlePage } from '../article-page/article-page.extractor';
import { processFeed } from '../processor/feed.processor';
import { parseFeed } from '.';

/**
 * Titles, names and bylines are plain text whichever format carried them: the same hostile markup
 * and the same bidi override give the same stored text from RSS 2.0, RSS 1.0, Atom, JSON Feed and
 * an article page (plainTextLine is the one function they all call).
 */
const RLO = '\u202E';
const PDF = '\u202C';
const LRI = '\u2066';
const PDI = '\u2069';
const RLM = '\u200F';
// Markup as a feed carries it in a text field, and the bidi trick, in one title and one author.
const TITLE = `<b onmouseover=alert(1)>Breaking</b>: ${RLO}txt.exe${PDF} في ${LRI}أنقرة${PDI}${RLM}`;
const AUTHOR = '<b onmouseover=alert(1)>Eve</b> Mallory';
const CLEAN_TITLE = `Breaking: txt.exe في أنقرة${RLM}`;
const CLEAN_AUTHOR = 'Eve Mallory';

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const FEEDS: Record<string, { body: string; contentType: string }> = {
  'RSS 2.0': {
    contentType: 'application/rss+xml',
    body: `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${xml(TITLE)}</title><link>https://n.example/</link>
      <item><title>${xml(TITLE)}</title><link>https://n.example/a</link><dc:creator>${xml(AUTHOR)}</dc:creator><description>Body.</description></item></channel></rss>`,
  },
  'RSS 1.0': {
    contentType: 'application/rdf+xml',
    body: `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="https://n.example/"><title>${xml(TITLE)}</title><link>https://n.example/</link></channel>
      <item rdf:about="https://n.example/a"><title>${xml(TITLE)}</title><link>https://n.example/a</link><dc:creator>${xml(AUTHOR)}</dc:creator><description>Body.</description></item></rdf:RDF>`,
  },
  // type="text" (the default) and type="html" must end the same.
  'Atom (text)': {
    contentType: 'application/atom+xml',
    body: `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>${xml(TITLE)}</title><id>urn:x</id><updated>2025-09-03T00:00:00Z</updated>
      <entry><title>${xml(TITLE)}</title><id>urn:a</id><link href="https://n.example/a"/><updated>2025-09-03T00:00:00Z</updated><author><name>${xml(AUTHOR)}</name></author><summary>Body.</summary></entry></feed>`,
  },
  'Atom (html)': {
    contentType: 'application/atom+xml',
    body: `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title type="html">${xml(TITLE)}</title><id>urn:x</id><updated>2025-09-03T00:00:00Z</updated>
      <entry><title type="html">${xml(TITLE)}</title><id>urn:a</id><link href="https://n.example/a"/><updated>2025-09-03T00:00:00Z</updated><author><name>${xml(AUTHOR)}</name></author><summary>Body.</summary></entry></feed>`,
  },
  'JSON Feed': {
    contentType: 'application/feed+json',
    body: JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: TITLE,
      items: [{ id: 'a', url: 'https://n.example/a', title: TITLE, authors: [{ name: AUTHOR }], content_text: 'Body.' }],
    }),
  },
};

describe('titles, names and bylines from every format', () => {
  it.each(Object.keys(FEEDS))('%s: the feed title, item title and author are the same plain text', (format) => {
    const { body, contentType } = FEEDS[format]!;
    const feed = parseFeed(Buffer.from(body), { contentType, url: 'https://n.example/feed' });
    expect(feed.title).toBe(CLEAN_TITLE);
    expect(feed.entries[0]!.title).toBe(CLEAN_TITLE);
    expect(feed.entries[0]!.authors).toEqual([CLEAN_AUTHOR]);
    const [item] = processFeed(feed, { id: 's', language: null, timeZone: null }, { now: new Date('2025-09-04T00:00:00Z') });
    expect(item).toMatchObject({ headline: CLEAN_TITLE, byline: CLEAN_AUTHOR, authorNames: [CLEAN_AUTHOR] });
  });

  it('an article page: title, byline, JSON-LD authors and site name', () => {
    const html = `<html lang="ar"><head><title>${xml(TITLE)}</title>
      <meta property="og:title" content="${xml(TITLE).replace(/"/g, '&quot;')}">
      <meta name="author" content="${xml(AUTHOR)}">
      <meta property="og:site_name" content="${RLO}Gazette${PDF}">
      <script type="application/ld+json">${JSON.stringify({ '@type': 'NewsArticle', headline: TITLE, datePublished: '2025-09-03', author: [{ name: AUTHOR }] })}</script>
      </head><body><article><h1>${xml(TITLE)}</h1>${'<p>Some long paragraph of text that readability keeps as the body of the article. </p>'.repeat(8)}</article></body></html>`;
    const page = extractArticlePage(html, 'https://n.example/a');
    expect(page.title).toBe(CLEAN_TITLE);
    expect(page.byline).toBe(CLEAN_AUTHOR);
    expect(page.authorNames).toEqual([CLEAN_AUTHOR]);
    expect(page.siteName).toBe('Gazette');
  });

  it('a headline taken from the body (no title) loses its bidi controls too', () => {
    const feed = parseFeed(Buffer.from(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', items: [{ id: 'a', content_text: `${RLO}عاجل${PDF} خبر` }] })), {
      contentType: 'application/feed+json',
    });
    const [item] = processFeed(feed, { id: 's', language: null, timeZone: null }, { now: new Date('2025-09-04T00:00:00Z') });
    expect(item!.headline).toBe('عاجل خبر');
  });

  it('leaves text that only looks a little like markup alone', () => {
    const feed = parseFeed(Buffer.from(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', items: [{ id: 'a', title: 'a < b & Tom & Jerry', content_text: 'x' }] })), {
      contentType: 'application/feed+json',
    });
    expect(feed.entries[0]!.title).toBe('a < b & Tom & Jerry');
  });
});
