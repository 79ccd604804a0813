import { samplePage, sampleHtml } from '../../../test/support/sample-fixtures';
import { extractArticlePage } from './article-page.extractor';

describe('extractArticlePage', () => {
  it('gives the sample page the seed reads from text: title, paragraphs, byline, date', () => {
    const seed = samplePage();
    const page = extractArticlePage(sampleHtml('https://news.example/world/putin-sharif', 'https://news.example/feed.rss'), 'https://news.example/world/putin-sharif');
    expect(page.title).toBe(seed.title);
    expect(page.paragraphs).toEqual(seed.paragraphs);
    expect(page.byline).toBe('এসএস/এসএন');
    expect(page.publishedAt?.toISOString()).toBe('2025-09-03T00:00:00.000Z');
    expect(page.language).toBe('bn');
    expect(page.canonicalUrl).toBe('https://news.example/world/putin-sharif');
    expect(page.paragraphs.join(' ')).not.toMatch(/Share this|বিজ্ঞাপন|dataLayer|সর্বশেষ/);
  });

  it('reads meta and JSON-LD metadata, and refuses a canonical URL on another site', () => {
    const html = `<html lang="en-GB"><head>
      <link rel="canonical" href="https://other.example/stolen">
      <meta property="og:image" content="/lead.jpg">
      <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite"},{"@type":"NewsArticle","headline":"Ignored","datePublished":"2025-09-03T10:30:00+06:00","author":[{"@type":"Person","name":"Jane Doe"},{"name":"John Roe"}]}]}</script>
      </head><body><article><h1>A headline</h1>${'<p>Some long paragraph of text that readability will keep as the body of the article. </p>'.repeat(8)}</article></body></html>`;
    const page = extractArticlePage(html, 'https://news.example/a?utm_source=x');
    expect(page.publishedAt?.toISOString()).toBe('2025-09-03T04:30:00.000Z');
    expect(page.authorNames).toEqual(['Jane Doe', 'John Roe']);
    expect(page.byline).toBe('Jane Doe, John Roe');
    expect(page.imageUrl).toBe('https://news.example/lead.jpg');
    expect(page.canonicalUrl).toBeNull();
    expect(page.language).toBe('en-GB');
    expect(page.paragraphs.length).toBeGreaterThan(0);
  });

  it('survives pages that are not articles', () => {
    expect(extractArticlePage('', 'https://news.example/').paragraphs).toEqual([]);
    expect(extractArticlePage('<html><body><p>hi</p></body></html>', 'https://news.example/').title).toBeNull();
  });
});
