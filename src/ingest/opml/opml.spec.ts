import { parseOpml, writeOpml, OpmlError } from './opml';

describe('OPML', () => {
  it('reads nested outlines with feed URLs, once each', () => {
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
      <outline text="বাংলা"><outline text="নমুনা &amp; সংবাদ" type="rss" xmlUrl="https://news.example/feed.rss" htmlUrl="https://news.example/" language="bn"/>
      <outline text="dup" xmlUrl="https://news.example/feed.rss"/></outline>
      <outline text="No feed"/><outline title="Bad" xmlUrl="javascript:alert(1)"/></body></opml>`;
    expect(parseOpml(Buffer.from(opml))).toEqual([
      { title: 'নমুনা & সংবাদ', feedUrl: 'https://news.example/feed.rss', homepageUrl: 'https://news.example/', language: 'bn', categories: ['বাংলা'] },
    ]);
  });

  it('round-trips what it writes', () => {
    const written = writeOpml([{ name: 'A & B "news"', homepageUrl: 'https://a.example/', language: 'en', feedUrls: ['https://a.example/rss?x=1&y=2', 'https://a.example/atom'] }]);
    expect(parseOpml(Buffer.from(written)).map((s) => [s.title, s.feedUrl])).toEqual([
      ['A & B "news"', 'https://a.example/rss?x=1&y=2'],
      ['A & B "news"', 'https://a.example/atom'],
    ]);
  });

  it('refuses what is not OPML, and never expands entities', () => {
    expect(() => parseOpml(Buffer.from('<rss/>'))).toThrow(OpmlError);
    expect(() => parseOpml(Buffer.from('not xml <'))).toThrow(OpmlError);
    const bomb = `<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><opml><body><outline text="&b;" xmlUrl="https://x.example/"/></body></opml>`;
    expect(() => parseOpml(Buffer.from(bomb))).toThrow(OpmlError);
  });
});
