import { readFileSync } from 'node:fs';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FeedParseError, type ParsedFeed, detectFormat, parseFeed } from '.';

const FIXTURES = join(__dirname, '../../../test/fixtures/feeds');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

function parseError(run: () => unknown): FeedParseError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    return error as FeedParseError;
  }
  throw new Error('expected a FeedParseError');
}

describe('RSS 2.0 (Bengali)', () => {
  let feed: ParsedFeed;
  beforeAll(() => {
    feed = parseFeed(fixture('rss2-bengali.xml'), { url: 'https://news.example.com/bn/rss.xml', contentType: 'application/rss+xml; charset=utf-8' });
  });

  it('reads the channel', () => {
    expect(feed).toMatchObject({
      format: 'rss2',
      title: 'প্রথম খবর & বিশ্লেষণ',
      // A relative channel link is resolved against the feed URL.
      homepageUrl: 'https://news.example.com/bn/',
      language: 'bn-BD',
    });
    expect(feed.entries).toHaveLength(4);
  });

  it('keeps GUIDs 00123 and 123 as different strings', () => {
    expect(feed.entries.map((item) => item.guid)).toEqual(['00123', '123', 'https://news.example.com/bn/article/permalink-only', '1e3']);
    expect(feed.entries[3].title).toBe('1e3');
  });

  it('reads a full item with namespaced elements', () => {
    expect(feed.entries[0]).toEqual({
      guid: '00123',
      url: 'https://news.example.com/bn/article/00123',
      title: 'ঢাকায় ভারী বৃষ্টি, জলাবদ্ধতা',
      // Raw, unsanitised: the sanitiser runs later.
      summaryHtml: '<p>রাজধানীতে <b>ভারী</b> বৃষ্টি।</p><script>alert("x")</script>',
      contentHtml: '<p>বিস্তারিত <a href="/bn/more">আরও পড়ুন</a></p><p><img src="images/rain.jpg" alt="বৃষ্টি"></p>',
      authors: ['রহিম উদ্দিন'],
      publishedAt: new Date('2003-06-10T04:00:00Z'),
      publishedText: null,
      publishedWithoutZone: false,
      updatedAt: null,
      // media:thumbnail under the prefix "m": namespaces are matched by URI.
      imageUrl: 'https://cdn.example.com/rain-thumb.jpg',
      language: null,
      categories: ['আবহাওয়া', 'ঢাকা'],
      baseUrl: 'https://news.example.com/bn/article/00123',
    });
  });

  it('reads odd RFC 822 dates and author forms', () => {
    // "10 Jun 03 04:00 EST": no weekday, two-digit year, named zone.
    expect(feed.entries[1].publishedAt).toEqual(new Date('2003-06-10T09:00:00Z'));
    expect(feed.entries[1].authors).toEqual(['ক্রীড়া ডেস্ক'.normalize('NFC')]);
    expect(feed.entries[3].publishedAt).toEqual(new Date('2003-06-11T10:30:00Z'));
  });

  it('keeps a Bengali date as publishedText for locale-aware parsing', () => {
    expect(feed.entries[2].publishedAt).toBeNull();
    expect(feed.entries[2].publishedText).toBe('মঙ্গলবার, ১০ জুন ২০০৩');
  });

  it('uses a permalink guid as the URL and refuses javascript: links', () => {
    expect(feed.entries[2].url).toBe('https://news.example.com/bn/article/permalink-only');
    expect(feed.entries[3].url).toBeNull();
  });

  it('normalises text to NFC (ড় U+09DC becomes U+09A1 U+09BC) and reads escaped HTML titles as text', () => {
    expect(feed.entries[2].title).toBe('বড় খবর: \u09A1\u09BC-এর বানান');
    expect(feed.entries[2].title).not.toContain('\u09DC');
    // AT&amp;amp;T in the XML is the HTML text "AT&amp;T": one level of escaping belongs to XML.
    expect(feed.entries[2].summaryHtml).toBe('AT&amp;T এবং <b>বোল্ড</b>');
    expect(feed.entries[2].imageUrl).toBe('https://cdn.example.com/photo.jpg');
  });
});

describe('Atom 1.0', () => {
  let feed: ParsedFeed;
  beforeAll(() => {
    feed = parseFeed(fixture('atom10.xml'), { url: 'https://blog.example.org/feed.atom' });
  });

  it('reads the feed, with an HTML title as plain text', () => {
    expect(feed).toMatchObject({ format: 'atom', title: 'Dive into mark', homepageUrl: 'https://blog.example.org/', language: 'en' });
  });

  it('resolves links against nested xml:base', () => {
    const [entry] = feed.entries;
    expect(entry.url).toBe('https://blog.example.org/2005/07/atom-draft-07');
    expect(entry.imageUrl).toBe('https://blog.example.org/2005/07/cover.png');
    // The xhtml div wrapper is dropped and links resolve against the content's own xml:base.
    expect(entry.contentHtml).toBe('<p><i>[Update: The Atom draft is finished.]</i> See the <a href="https://diveintomark.org/archives/">archives</a>.</p>');
    expect(entry.baseUrl).toBe('https://diveintomark.org/');
  });

  it('escapes type="text" into HTML and inherits the feed author', () => {
    const [entry] = feed.entries;
    expect(entry.summaryHtml).toBe('Tags like &lt;b&gt; are text here');
    expect(entry.authors).toEqual(['Mark Pilgrim']);
    expect(entry.publishedAt).toEqual(new Date('2003-12-13T12:29:29Z'));
    expect(entry.updatedAt).toEqual(new Date('2005-07-31T12:29:29Z'));
    expect(entry.categories).toEqual(['Atom', 'xml']);
    expect(entry.guid).toBe('tag:example.org,2003:3.2397');
  });

  it('reads xml:lang, several authors, out-of-line content and the updated date as a fallback', () => {
    const entry = feed.entries[1];
    expect(entry.language).toBe('bn');
    expect(entry.authors).toEqual(['রহিম', 'করিম']);
    expect(entry.contentHtml).toBeNull();
    expect(entry.summaryHtml).toBe('<p>সারাংশ <a href="rel/link">লিংক</a></p>');
    // The relative link in summaryHtml resolves against the feed's xml:base.
    expect(entry.baseUrl).toBe('https://blog.example.org/');
    expect(entry.publishedAt).toEqual(new Date('2005-08-01T00:00:00Z'));
  });
});

describe('JSON Feed 1.1', () => {
  let feed: ParsedFeed;
  beforeAll(() => {
    feed = parseFeed(fixture('jsonfeed11.json'), { url: 'https://example.org/feed.json', contentType: 'application/feed+json' });
  });

  it('reads the feed and skips entries that are not objects', () => {
    expect(feed).toMatchObject({ format: 'jsonfeed', title: 'উদাহরণ ফিড', homepageUrl: 'https://example.org/', language: 'bn' });
    expect(feed.entries.map((item) => item.guid)).toEqual(['00123', '123', '1e3']);
  });

  it('reads an item', () => {
    expect(feed.entries[0]).toEqual({
      guid: '00123',
      url: 'https://example.org/second-item',
      title: 'দ্বিতীয় খবর',
      summaryHtml: 'A &lt; B &amp; C',
      contentHtml: '<p>Hello, <b>world</b>!</p>',
      authors: ['Item Author'],
      publishedAt: new Date('2023-04-02T19:02:03Z'),
      publishedText: null,
      publishedWithoutZone: false,
      updatedAt: new Date('2023-04-04T00:00:00Z'),
      imageUrl: 'https://example.org/img/1.png',
      language: null,
      categories: ['রাজনীতি', 'অর্থনীতি'],
      baseUrl: 'https://example.org/second-item',
    });
  });

  it('escapes content_text, falls back to feed authors and external_url, keeps unparsable dates', () => {
    expect(feed.entries[1]).toMatchObject({
      contentHtml: 'Line one<br><br>Line two &amp; &lt;more&gt;',
      authors: ['Feed Author'],
      publishedAt: null,
      publishedText: '৩ এপ্রিল ২০২৩',
      language: 'en',
    });
    expect(feed.entries[2]).toMatchObject({ url: 'https://elsewhere.example/story', title: 'spaced out' });
  });

  it('reports broken JSON and JSON that is not a feed', () => {
    expect(parseError(() => parseFeed(Buffer.from('{"version": "https://jsonfeed.org/version/1.1", '))).code).toBe('MALFORMED');
    expect(parseError(() => parseFeed(Buffer.from('{"hello": "world"}'))).code).toBe('UNSUPPORTED_FORMAT');
  });
});

describe('RSS 1.0', () => {
  it('reads items beside the channel, with Dublin Core', () => {
    const feed = parseFeed(fixture('rss1.rdf'));
    expect(feed).toMatchObject({ format: 'rss1', title: 'XML.com', homepageUrl: 'http://xml.com/pub', language: 'en-us' });
    expect(feed.entries).toHaveLength(2);
    expect(feed.entries[0]).toMatchObject({
      guid: 'http://xml.com/pub/2000/08/09/xslt/xslt.html',
      url: 'http://xml.com/pub/2000/08/09/xslt/xslt.html',
      title: 'Processing Inclusions with XSLT',
      authors: ['Bob DuCharme'],
      publishedAt: new Date('2000-08-09T09:00:00Z'),
      categories: ['XSLT'],
    });
    expect(feed.entries[1].contentHtml).toBe('<p>Tool and API support for the <abbr>RDF</abbr>.</p>');
    expect(feed.entries[1].publishedAt).toEqual(new Date('2000-08-09T00:00:00Z'));
  });
});

describe('legacy character sets', () => {
  it('decodes a windows-1251 Russian feed from its XML declaration', () => {
    const bytes = fixture('ru-windows-1251.xml');
    // The fixture really is windows-1251: Cyrillic letters are single bytes, not UTF-8 pairs.
    expect(bytes.includes(Buffer.from('Новости', 'utf8'))).toBe(false);
    expect(bytes.includes(Buffer.from([0xcd, 0xee, 0xe2, 0xee, 0xf1, 0xf2, 0xe8]))).toBe(true);
    const feed = parseFeed(bytes);
    expect(feed.title).toBe('Новости дня — «Вести»');
    expect(feed.entries[0]).toMatchObject({
      title: 'Курс рубля укрепился',
      summaryHtml: 'Центробанк сообщил: рубль вырос на 2 копейки. Ёлки зелёные!',
      categories: ['Экономика'],
      publishedAt: new Date('2023-04-03T06:15:00Z'),
    });
  });

  it('prefers the HTTP charset, but not over bytes that are not what it says', () => {
    expect(parseFeed(fixture('ru-windows-1251.xml'), { contentType: 'text/xml; charset=windows-1251' }).title).toBe('Новости дня — «Вести»');
    // Labelled UTF-8 by the server but not valid UTF-8: the declaration is the better witness.
    expect(parseFeed(fixture('ru-windows-1251.xml'), { contentType: 'application/xml; charset=UTF-8' }).title).toBe('Новости дня — «Вести»');
  });

  it('decodes a Shift_JIS Japanese feed', () => {
    const feed = parseFeed(fixture('ja-shift_jis.xml'));
    expect(feed.title).toBe('日本のニュース');
    expect(feed.entries[0].title).toBe('東京で桜が満開、花見客でにぎわう');
    expect(feed.entries[0].summaryHtml).toBe('気象庁によると、今年の開花は平年より五日早い。');
  });

  it('reads a Netscape RSS 0.91 feed with undeclared HTML entities and bare ampersands', () => {
    const feed = parseFeed(fixture('rss091-netscape.xml'));
    expect(feed.title).toBe('Café & Crème News');
    expect(feed.entries[0].title).toBe('L’été – © 2003 AT&T');
    expect(feed.entries[0].url).toBe('http://www.example.com/ete?a=1&b=2');
    expect(feed.entries[0].summaryHtml).toBe('Un résumé… &unknownentity;');
  });
});

describe('broken and hostile documents', () => {
  it('reports mismatched tags as MALFORMED', () => {
    const error = parseError(() => parseFeed(fixture('malformed.xml')));
    expect(error.code).toBe('MALFORMED');
    expect(error.message).toMatch(/line 6/);
  });

  it('reports a truncated document as MALFORMED', () => {
    const error = parseError(() => parseFeed(fixture('truncated.xml')));
    expect(error.code).toBe('MALFORMED');
    expect(error.message).toMatch(/truncated/);
  });

  it.each([
    ['', 'MALFORMED'],
    ['   \n ', 'MALFORMED'],
    ['<!-- only a comment -->', 'MALFORMED'],
    ['<!DOCTYPE html><html><head><title>Not a feed</title></head><body><p>Hi</body></html>', 'UNSUPPORTED_FORMAT'],
    ['<?xml version="1.0"?><CHANNEL HREF="http://example.com/"><TITLE>CDF</TITLE></CHANNEL>', 'UNSUPPORTED_FORMAT'],
    ['plain text, not a feed', 'UNSUPPORTED_FORMAT'],
    ['[1, 2, 3]', 'UNSUPPORTED_FORMAT'],
    ['<rss><channel><title>x</title></channel></rss><!DOCTYPE again>', 'MALFORMED'],
  ])('%j gives %s', (body, code) => {
    expect(parseError(() => parseFeed(Buffer.from(body))).code).toBe(code);
  });

  it('refuses an external entity to a file before reading anything', () => {
    const error = parseError(() => parseFeed(fixture('xxe-file.xml')));
    expect(error.code).toBe('FORBIDDEN_DTD');
    expect(error.message).toContain('xxe');
  });

  describe('with a server counting requests', () => {
    let server: http.Server;
    let requests = 0;
    let address: string;
    beforeAll(async () => {
      server = http.createServer((_req, res) => {
        requests++;
        res.end('<!ENTITY leaked "LEAKED">');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('refuses an external entity over http and fetches nothing', async () => {
      const body = Buffer.from(fixture('xxe-http.xml').toString('utf8').replace(/SERVER/g, address));
      expect(parseError(() => parseFeed(body)).code).toBe('FORBIDDEN_DTD');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(requests).toBe(0);
    });

    it('drops an external DTD pulled in by a parameter entity, unfetched', async () => {
      const body = Buffer.from(fixture('xxe-parameter.xml').toString('utf8').replace(/SERVER/g, address));
      expect(parseFeed(body).title).toBe('Parameter entities are inert');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(requests).toBe(0);
    });
  });

  it('refuses billion laughs at once', () => {
    const started = Date.now();
    const error = parseError(() => parseFeed(fixture('billion-laughs.xml')));
    expect(error.code).toBe('FORBIDDEN_DTD');
    expect(error.message).toMatch(/nested entity expansion/);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('refuses a flat entity repeated into a huge document (quadratic blowup)', () => {
    const value = 'x'.repeat(4000);
    const body = `<!DOCTYPE rss [<!ENTITY big "${value}">]><rss><channel><title>${'&big;'.repeat(1000)}</title></channel></rss>`;
    expect(parseError(() => parseFeed(Buffer.from(body))).code).toBe('FORBIDDEN_DTD');
  });

  it('substitutes flat internal entities', () => {
    const body = `<!DOCTYPE rss [
      <!ENTITY id "tag:example.com,">
      <!ENTITY copy "&#169; &amp; 1 &lt; 2 <!-- not markup -->">
    ]><rss version="2.0"><channel><title>&copy;</title><item><guid isPermaLink="false">&id;2006-05-04:/blog/</guid></item></channel></rss>`;
    const feed = parseFeed(Buffer.from(body));
    expect(feed.entries[0].guid).toBe('tag:example.com,2006-05-04:/blog/');
    // Entity values are text: markup in them is not markup.
    expect(feed.title).toBe('© & 1 < 2 <!-- not markup -->');
  });
});

describe('detectFormat', () => {
  it.each([
    ['rss2-bengali.xml', 'rss2'],
    ['rss091-netscape.xml', 'rss2'],
    ['atom10.xml', 'atom'],
    ['rss1.rdf', 'rss1'],
    ['jsonfeed11.json', 'jsonfeed'],
    ['ru-windows-1251.xml', 'rss2'],
    ['ja-shift_jis.xml', 'rss2'],
  ])('%s is %s', (name, format) => {
    expect(detectFormat(fixture(name))).toBe(format);
  });

  it.each([
    ['<?xml version="1.0"?><!-- x --><feed version="0.3" xmlns="http://purl.org/atom/ns#"/>', undefined, 'atom'],
    ['\uFEFF<rss version="0.91"/>', undefined, 'rss2'],
    ['<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><foo/></rdf:RDF>', undefined, 'unknown'],
    ['<CHANNEL/>', undefined, 'unknown'],
    ['<html><body/></html>', 'text/html', 'unknown'],
    ['{"version":"https:\\/\\/jsonfeed.org\\/version\\/1"}', undefined, 'jsonfeed'],
    ['{"items": []}', 'application/feed+json', 'jsonfeed'],
    ['{"items": []}', 'application/json', 'unknown'],
    ['', undefined, 'unknown'],
  ])('%j (%s) is %s', (body, contentType, format) => {
    expect(detectFormat(Buffer.from(body), contentType)).toBe(format);
  });
});

describe('robustness', () => {
  // A small deterministic generator, so that a failure can be replayed.
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }

  it('never throws anything but FeedParseError on mutilated fixtures', () => {
    const next = random(42);
    const names = ['rss2-bengali.xml', 'atom10.xml', 'rss1.rdf', 'jsonfeed11.json', 'ru-windows-1251.xml', 'ja-shift_jis.xml', 'rss091-netscape.xml', 'billion-laughs.xml'];
    const pieces = ['<', '>', '&', '&amp;', '"', "'", ']]>', '<![CDATA[', '<!--', '-->', '<!DOCTYPE x [', '<!ENTITY a "b">', '\u0000', '\uFFFF', '\uD800', '{', '}', '&#0;', '&#x110000;', 'xml:base="::"'];
    let runs = 0;
    for (const name of names) {
      const original = fixture(name);
      for (let round = 0; round < 150; round++) {
        const bytes = Buffer.from(original);
        let mutated: Buffer;
        const choice = next();
        if (choice < 0.3) mutated = bytes.subarray(0, Math.floor(next() * bytes.length));
        else if (choice < 0.6) {
          for (let i = 0; i < 5; i++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
          mutated = bytes;
        } else {
          const text = original.toString('latin1');
          const at = Math.floor(next() * text.length);
          mutated = Buffer.concat([Buffer.from(text.slice(0, at), 'latin1'), Buffer.from(pieces[Math.floor(next() * pieces.length)]), Buffer.from(text.slice(at), 'latin1')]);
        }
        try {
          parseFeed(mutated, { url: 'https://example.com/feed' });
        } catch (error) {
          if (!(error instanceof FeedParseError)) throw new Error(`${name} round ${round}: ${(error as Error).stack ?? String(error)}`);
        }
        runs++;
      }
    }
    expect(runs).toBe(names.length * 150);
  });
});
