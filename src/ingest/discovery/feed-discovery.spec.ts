import { discoverFeeds } from './feed-discovery';

describe('discoverFeeds', () => {
  it('finds RSS, Atom and JSON Feed alternates, absolute and once each', () => {
    const html = `<html lang="bn"><head><title>নমুনা সংবাদ</title>
      <link rel="alternate" type="application/rss+xml" title="সর্বশেষ" href="/feed.rss">
      <link rel="Alternate" type="application/atom+xml" href="https://news.example/atom.xml">
      <link rel="alternate" type="application/feed+json" href="feed.json">
      <link rel="alternate" type="application/rss+xml" href="/feed.rss">
      <link rel="alternate" hreflang="en" href="/en/">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="stylesheet" href="/s.css"></head><body></body></html>`;
    const page = discoverFeeds(html, 'https://news.example/section/');
    expect(page.feeds.map((feed) => feed.url)).toEqual([
      'https://news.example/feed.rss',
      'https://news.example/atom.xml',
      'https://news.example/section/feed.json',
    ]);
    expect(page.feeds[0]!.title).toBe('সর্বশেষ');
    expect(page.title).toBe('নমুনা সংবাদ');
    expect(page.language).toBe('bn');
  });

  it('finds nothing on a page without alternates', () => {
    expect(discoverFeeds('<p>hello</p>', 'https://news.example/').feeds).toEqual([]);
  });
});
