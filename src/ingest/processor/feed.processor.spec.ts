import { parseFeed } from '../parser';
import { processFeed, type SourceProfile } from './feed.processor';

const NOW = new Date('2025-09-05T12:00:00Z');
const rss = (items: string, channel = '<language>bn</language>') =>
  Buffer.from(`<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>${channel}${items}</channel></rss>`);
const process = (body: Buffer, source: SourceProfile = { id: 's', language: 'en', timeZone: null }) =>
  processFeed(parseFeed(body, { url: 'https://news.example/feed.xml' }), source, { now: NOW });

describe('processFeed', () => {
  it('keys items by GUID, else canonical link, else headline and day; keeps GUIDs as written', () => {
    const items = process(
      rss(`<item><title>A</title><guid isPermaLink="false">00123</guid><link>https://news.example/a</link></item>
           <item><title>B</title><guid isPermaLink="false">123</guid></item>
           <item><title>C</title><link>https://News.Example/c?utm_source=rss&amp;id=7#x</link></item>
           <item><title>D</title><pubDate>Wed, 03 Sep 2025 10:00:00 GMT</pubDate></item>`),
    );
    expect(items.map((item) => item.key)).toEqual(['guid:00123', 'guid:123', 'url:https://news.example/c?id=7', expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]);
    expect(items[2]!.url).toBe('https://news.example/c?id=7');
    expect(items.map((item) => item.position)).toEqual([1, 2, 3, 4]);
  });

  it('clamps a date past the fetch time to the fetch time, keeping the claim and a key that does not move', () => {
    const feed = rss(`<item><title>Far</title><pubDate>Fri, 01 Jan 9999 00:00:00 GMT</pubDate><dcterms:modified xmlns:dcterms="http://purl.org/dc/terms/">9999-01-02T00:00:00Z</dcterms:modified></item>
           <item><title>Soon</title><guid>soon</guid><pubDate>${new Date(NOW.getTime() + 5 * 60_000).toUTCString()}</pubDate></item>`);
    const [far, soon] = process(feed);
    expect(far).toMatchObject({ publishedAt: NOW, publishedAtClaimed: new Date('9999-01-01T00:00:00Z'), updatedAt: NOW });
    // Five minutes ahead is within the tolerance: believed as it is.
    expect(soon).toMatchObject({ publishedAt: new Date(NOW.getTime() + 5 * 60_000), publishedAtClaimed: null });
    // An item keyed by headline and day is keyed by the day the feed gave, so a later fetch finds the same item.
    const later = processFeed(parseFeed(feed, { url: 'https://news.example/feed.xml' }), { id: 's', language: 'en', timeZone: null }, { now: new Date('2025-09-07T12:00:00Z') });
    expect(later[0]!.key).toBe(far!.key);
  });

  it('keeps the first of an item listed twice, and drops items with nothing to show', () => {
    const items = process(rss(`<item><title>One</title><guid>x</guid></item><item><title>One again</title><guid>x</guid></item><item><guid>y</guid></item>`));
    expect(items.map((item) => item.headline)).toEqual(['One']);
  });

  it('sanitises bodies into paragraphs, takes a closing line of initials as the byline, and uses the body when there is no title', () => {
    const [item] = process(
      rss(`<item><guid>1</guid><description><![CDATA[<p>প্রথম অনুচ্ছেদ <script>alert(1)</script><b onclick="x()">গাঢ়</b></p><p>Share this news on:</p><p>এসএস/এসএন</p>]]></description></item>`),
    );
    expect(item!.paragraphs).toEqual(['প্রথম অনুচ্ছেদ গাঢ়']);
    expect(item!.headline).toBe('প্রথম অনুচ্ছেদ গাঢ়');
    expect(item!.byline).toBe('এসএস/এসএন');
    expect(item!.authorNames).toEqual([]);
    expect(item!.summary).toBeNull();
  });

  it('keeps a summary beside a full body, and the authors as printed', () => {
    const [item] = process(rss(`<item><title>T</title><guid>1</guid><dc:creator>Jane Doe</dc:creator><description>Short.</description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">&lt;p&gt;Long body.&lt;/p&gt;</content:encoded></item>`));
    expect(item).toMatchObject({ summary: 'Short.', paragraphs: ['Long body.'], byline: 'Jane Doe', authorNames: ['Jane Doe'] });
  });

  it('reads dates without a zone, and Bengali dates, in the source’s time zone', () => {
    const body = rss(`<item><title>A</title><guid>a</guid><pubDate>Wed, 03 Sep 2025 10:00:00</pubDate></item>
      <item><title>B</title><guid>b</guid><pubDate>Wed, 03 Sep 2025 10:00:00 +0000</pubDate></item>
      <item><title>C</title><guid>c</guid><pubDate>বুধবার, ৩ সেপ্টেম্বর ২০২৫</pubDate></item>
      <item><title>D</title><guid>d</guid><pubDate>৩ সেপ্টেম্বর</pubDate></item>`);
    const dhaka = process(body, { id: 's', language: 'bn', timeZone: 'Asia/Dhaka' });
    expect(dhaka.map((item) => item.publishedAt?.toISOString())).toEqual([
      '2025-09-03T04:00:00.000Z',
      '2025-09-03T10:00:00.000Z',
      '2025-09-02T18:00:00.000Z',
      // No year: the one that puts it nearest to now.
      '2025-09-02T18:00:00.000Z',
    ]);
    const utc = process(body);
    expect(utc[0]!.publishedAt?.toISOString()).toBe('2025-09-03T10:00:00.000Z');
    expect(utc[2]!.publishedAt?.toISOString()).toBe('2025-09-03T00:00:00.000Z');
  });

  it('takes the language from the item, the feed, the source, then the script', () => {
    const withFeedLanguage = process(rss(`<item><title>A</title><guid>a</guid><dc:language>en-gb</dc:language></item><item><title>খবর</title><guid>b</guid></item>`));
    expect(withFeedLanguage.map((item) => item.language)).toEqual(['en-GB', 'bn']);
    expect(process(rss(`<item><title>Hello</title><guid>a</guid></item>`, ''))[0]!.language).toBe('en');
    expect(process(rss(`<item><title>খবর</title><guid>a</guid></item>`, ''), { id: 's', language: null, timeZone: null })[0]!.language).toBe('bn');
  });
});
