import type { ProcessedItem } from './processor/feed.processor';
import { toEntry } from './source-run';

const item = (overrides: Partial<ProcessedItem> = {}): ProcessedItem =>
  ({
    key: 'k1',
    position: 1,
    headline: 'Headline',
    url: 'https://news.example/a',
    imageUrl: null,
    language: 'en',
    publishedAt: new Date('2025-09-03T10:00:00Z'),
    publishedAtClaimed: null,
    updatedAt: null,
    summary: null,
    paragraphs: ['Short.'],
    byline: null,
    authorNames: [],
    ...overrides,
  }) as ProcessedItem;

const page = {
  title: 'Page title',
  paragraphs: ['A much longer body from the page.', 'Second paragraph.'],
  byline: 'Jane Doe',
  authorNames: ['Jane Doe'],
  imageUrl: 'https://news.example/a.jpg',
  canonicalUrl: 'https://news.example/canonical-a',
  publishedAt: new Date('2025-09-02T10:00:00Z'),
  publishedAtClaimed: null,
  modifiedAt: null,
  language: 'en',
  fetchedUrl: 'https://news.example/a?token=t',
} as unknown as Parameters<typeof toEntry>[1];

/** A feed whose URL carries a partner key: provenance shows it without. */
const FEED = 'https://reader:pw@news.example/feed.xml?key=partner-secret';

describe('toEntry', () => {
  it('keeps a headline only without a link or over the page budget', () => {
    expect(toEntry(item({ url: null }), null, 'feed', FEED).article).toBeNull();
    expect(toEntry(item(), null, 'headline', FEED)).toMatchObject({ key: 'k1', url: 'https://news.example/a', article: null });
  });

  it('takes the longer body from the page, the feed body as summary, and the page canonical URL', () => {
    const entry = toEntry(item(), page, 'feed', FEED);
    expect(entry.url).toBe('https://news.example/canonical-a');
    expect(entry.imageUrl).toBe('https://news.example/a.jpg');
    expect(entry.publishedAt).toEqual(new Date('2025-09-03T10:00:00Z'));
    expect(entry.article).toEqual({
      title: 'Headline',
      summary: 'Short.',
      paragraphs: page!.paragraphs,
      byline: 'Jane Doe',
      authorNames: ['Jane Doe'],
      fetchedFrom: 'https://news.example/a',
    });
  });

  it('keeps the feed body when the page has less', () => {
    const entry = toEntry(item({ paragraphs: ['A feed body longer than anything the page gave us here.'] }), { ...page!, paragraphs: ['Short.'] }, 'feed', FEED);
    expect(entry.article).toMatchObject({ paragraphs: ['A feed body longer than anything the page gave us here.'], summary: null, fetchedFrom: 'https://news.example/feed.xml' });
  });
});
