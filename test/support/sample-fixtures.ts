import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseNewsPageText, type ParsedNewsPage } from '../../src/seed/news-page-text.parser';
import { formatCalendarDate } from '../../src/text/dates';

/**
 * The bundled sample page (seeds/000_e5d4a965580395ad.txt) rendered the ways a publisher serves a
 * story: as an HTML article page and as an RSS feed that links to it. Both are built from the seed
 * text at test time, so they can never drift from what `npm run seed` stores.
 */
const SAMPLE_FILE = path.resolve(__dirname, '../../seeds/000_e5d4a965580395ad.txt');

export function samplePage(): ParsedNewsPage {
  return parseNewsPageText(readFileSync(SAMPLE_FILE, 'utf8'));
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const ENGLISH_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const englishDay = (d: { year: number; month: number; day: number }) => `${ENGLISH_MONTHS[d.month - 1]} ${String(d.day).padStart(2, '0')}, ${d.year}`;

/**
 * The article page as a news site would serve it: navigation, the story, a closing line of
 * initials, share buttons, a "latest" sidebar with thumbnails and dates, scripts and a footer.
 * No meta date: the date must be read from the body (`বুধবার (৩ সেপ্টেম্বর)`) with the year the
 * sidebar supplies, as the seed does.
 */
export function sampleHtml(pageUrl: string, feedUrl: string): string {
  const page = samplePage();
  const origin = new URL(pageUrl).origin;
  return `<!DOCTYPE html>
<html lang="bn">
<head>
<meta charset="utf-8">
<title>${escapeHtml(page.title)} | নমুনা সংবাদ</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="${escapeHtml(pageUrl)}">
<link rel="alternate" type="application/rss+xml" title="নমুনা সংবাদ" href="${escapeHtml(feedUrl)}">
<script>window.dataLayer = [{ page: 'article' }]; document.write('<div class="ad">বিজ্ঞাপন</div>');</script>
<style>.ad { display: none }</style>
</head>
<body>
<header class="site-header">
  <a class="logo" href="${origin}/">নমুনা সংবাদ</a>
  <nav><ul><li><a href="${origin}/bangladesh">বাংলাদেশ</a></li><li><a href="${origin}/world">আন্তর্জাতিক</a></li><li><a href="${origin}/sports">খেলা</a></li></ul></nav>
</header>
<main>
  <article class="news-details">
    <h1>${escapeHtml(page.title)}</h1>
    <div class="news-content">
${page.paragraphs.map((paragraph) => `      <p>${escapeHtml(paragraph)}</p>`).join('\n')}
      <p>${escapeHtml(page.byline ?? '')}</p>
    </div>
    <div class="share-box"><span>Share this news on:</span> <a href="https://www.facebook.com/sharer.php?u=${encodeURIComponent(pageUrl)}" onclick="return share(this)">Facebook</a></div>
  </article>
  <aside class="latest-news">
    <h2>${escapeHtml(page.latestHeading ?? 'সর্বশেষ')}</h2>
    <ul>
${page.latest
  .map(
    (item) =>
      `      <li>${item.showedImage ? `<img src="${origin}/images/${item.position}.jpg" alt="">` : ''}<a href="${origin}/news/${item.position}">${escapeHtml(item.headline)}</a> <span class="date">${englishDay(item.publishedOn!)}</span></li>`,
  )
  .join('\n')}
    </ul>
  </aside>
</main>
<footer><p>© ২০২৫ নমুনা সংবাদ। সর্বস্বত্ব সংরক্ষিত।</p></footer>
<script src="${origin}/assets/app.js"></script>
</body>
</html>
`;
}

const RFC822_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
function rfc822(date: { year: number; month: number; day: number }): string {
  const weekday = RFC822_DAYS[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()];
  return `${weekday}, ${String(date.day).padStart(2, '0')} ${ENGLISH_MONTHS[date.month - 1]} ${date.year} 00:00:00 +0000`;
}

/**
 * The publisher's RSS 2.0 feed: the sidebar's headlines (no links or GUIDs, as on the page), then
 * the story itself, linking to the HTML page, with its body in content:encoded.
 */
export function sampleRss(pageUrl: string, feedUrl: string): string {
  const page = samplePage();
  const day = page.publishedOn ? { ...page.latest[0]!.publishedOn!, month: page.publishedOn.month, day: page.publishedOn.day } : page.latest[0]!.publishedOn!;
  const origin = new URL(pageUrl).origin;
  const body = [...page.paragraphs, page.byline ?? ''].map((p) => `<p>${escapeHtml(p)}</p>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>নমুনা সংবাদ</title>
<link>${origin}/</link>
<atom:link href="${escapeHtml(feedUrl)}" rel="self" type="application/rss+xml"/>
<description>সর্বশেষ খবর</description>
<language>bn</language>
${page.latest.map((item) => `<item><title>${escapeHtml(item.headline)}</title><pubDate>${rfc822(item.publishedOn!)}</pubDate></item>`).join('\n')}
<item>
<title>${escapeHtml(page.title)}</title>
<link>${escapeHtml(pageUrl)}?utm_source=rss&amp;utm_medium=feed</link>
<guid isPermaLink="false">sample-${formatCalendarDate(day)}-1</guid>
<pubDate>${rfc822(day)}</pubDate>
<content:encoded><![CDATA[${body}]]></content:encoded>
</item>
</channel>
</rss>
`;
}
