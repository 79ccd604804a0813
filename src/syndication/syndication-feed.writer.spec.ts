import { XMLValidator } from 'fast-xml-parser';
import { cleanText, entityTag, renderAtom, renderJsonFeed, renderRss, type SyndicationFeed } from './syndication-feed.writer';

const feed = (title: string, language: string | null = 'en', direction: 'rtl' | null = null): SyndicationFeed => ({
  title: 'Latest',
  description: 'd',
  homeUrl: 'https://gw.example/',
  peopleUrl: 'https://gw.example/people/',
  sourcesUrl: 'https://gw.example/sources/',
  selfUrls: { rss: 'https://gw.example/feeds/latest.rss', atom: 'https://gw.example/feeds/latest.atom', json: 'https://gw.example/feeds/latest.json' },
  language: null,
  direction: null,
  updated: new Date('2030-01-01T00:00:00Z'),
  entries: [
    {
      id: 'QXJ0aWNsZTox',
      url: 'https://news.example/a?x=1&y=2',
      title,
      summary: title,
      publishedAt: new Date('2030-01-01T00:00:00Z'),
      updatedAt: new Date('2030-01-01T00:00:00Z'),
      imageUrl: null,
      language,
      direction,
      publisher: { name: 'Pub & Co', url: null },
      authors: [],
      people: [],
      alsoIn: [],
    },
  ],
});

describe('feed writer', () => {
  it('strips the characters XML forbids and normalises to NFC, keeping bidi marks and emoji', () => {
    expect(cleanText('a\u0000b\u0001c\u0008d\u000Be\u001Ff\u007Fg\u0085h\uFFFEi\uD800j')).toBe('abcdefghij');
    expect(cleanText('tab\tnew\nline\r')).toBe('tab\tnew\nline\r');
    expect(cleanText('\u202Bعربي\u202C \u200F 📰')).toBe('\u202Bعربي\u202C \u200F 📰');
    expect(cleanText('e\u0301')).toBe('é');
    // NFC leaves ড় decomposed (it is a composition exclusion), and so does this.
    expect(cleanText('\u09DC')).toBe('\u09A1\u09BC');
  });

  it.each([
    ['rss', renderRss],
    ['atom', renderAtom],
  ])('writes well-formed %s whatever the title holds', (_name, render) => {
    for (const title of ['<b>bold</b>', 'A & B', 'end ]]> of CDATA', 'ctl\u0001', '"quoted" \'single\'', '<![CDATA[x]]>']) {
      const xml = render(feed(title));
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(xml).not.toContain('\u0001');
    }
  });

  it('marks right-to-left entries with xml:lang and an XHTML dir in Atom', () => {
    const xml = renderAtom(feed('خبر', 'ar', 'rtl'));
    expect(xml).toContain('<entry xml:lang="ar">');
    expect(xml).toContain('<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml" dir="rtl">خبر</div></title>');
  });

  it('gives every Atom entry an author: the publisher when the article names none', () => {
    expect(renderAtom(feed('x'))).toContain('<author><name>Pub &amp; Co</name></author>');
  });

  it('writes JSON Feed 1.1 without control characters', () => {
    const json = JSON.parse(renderJsonFeed(feed('ctl\u0001 title')));
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.items[0].title).toBe('ctl title');
    expect(json.items[0].authors).toEqual([{ name: 'Pub & Co' }]);
  });

  it('names the other outlets that carried an entry in every format', () => {
    const carried = feed('x');
    carried.entries[0]!.alsoIn = [{ name: 'Wire & Co', slug: 'wire-co' }];
    expect(renderRss(carried)).toContain('<category domain="https://gw.example/sources/">Wire &amp; Co</category>');
    const atom = renderAtom(carried);
    expect(XMLValidator.validate(atom)).toBe(true);
    expect(atom).toContain('<category term="wire-co" scheme="https://gw.example/sources/" label="Wire &amp; Co"/>');
    expect(atom).toContain('<link rel="related" type="text/html" href="https://gw.example/sources/wire-co" title="Wire &amp; Co"/>');
    expect(JSON.parse(renderJsonFeed(carried)).items[0]._newsgate.alsoIn).toEqual([{ name: 'Wire & Co', url: 'https://gw.example/sources/wire-co' }]);
    expect(JSON.parse(renderJsonFeed(feed('x'))).items[0]._newsgate.alsoIn).toBeUndefined();
  });

  it('derives a strong ETag from the bytes', () => {
    expect(entityTag('a')).toBe(entityTag('a'));
    expect(entityTag('a')).not.toBe(entityTag('b'));
    expect(entityTag('a')).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
  });
});
