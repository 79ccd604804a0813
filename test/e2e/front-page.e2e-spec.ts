import { upsertFeedItems } from '../../src/feed-item/feed-item.repository';
import { toGlobalId } from '../../src/graphql/relay/global-id';
import { PAGE_VIEW_COST } from '../../src/http/pages/front-page.routes';
import { seed } from '../../src/seed/seed';
import { documentOf, htmlProblems } from '../support/html-pages';
import { samplePage } from '../support/sample-fixtures';
import { e2eConfig } from '../support/e2e-config';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The front page for readers (src/http/pages/front-page.*): server-rendered HTML with no script,
 * on the gateway with the sample page loaded, read back with a DOM (linkedom) and validated by
 * html-validate's recommended rules: every page, zero errors. Beside the sample: a story whose
 * title, body and people are hostile markup, an Arabic headline with no link or story, and a
 * headline with a link of its own, all older than the sample's so its sidebar comes first.
 */
const HOSTILE = '<script>alert("owned")</script> & <b>bold</b> \'quoted\'';
const ARABIC = 'الأخبار العاجلة من القاهرة';
const ARTICLE_SLUG_QUERY = `SELECT slug FROM article WHERE url LIKE 'https://sample-publisher.newsgate.invalid/%'`;

describe('front page', () => {
  let app: TestApp;
  let articleSlug: string;
  let arabicItem: string;
  let linkedItem: string;
  const sample = samplePage();
  const headlines = sample.latest.map((item) => item.headline.normalize('NFC'));
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { headers, redirect: 'manual' });

  /** The page's body, after checking it is HTML that html-validate accepts and that runs no script. */
  async function page(path: string, status = 200): Promise<string> {
    const res = await get(path);
    const body = await res.text();
    expect({ path, status: res.status }).toEqual({ path, status });
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; /);
    expect({ path, problems: await htmlProblems(body) }).toEqual({ path, problems: [] });
    // No element that runs code, no event-handler attribute in any tag (text may say `onerror=`).
    expect(body).not.toMatch(/<(script|iframe|object|embed)\b|<[a-z][^>]*\son[a-z]+=/i);
    return body;
  }

  beforeAll(async () => {
    app = await startTestApp();
    await seed(app.db);
    [{ slug: articleSlug }] = await app.db.manager.query(ARTICLE_SLUG_QUERY);
    const [reuters] = await app.db.manager.query(`SELECT id FROM source WHERE slug = 'reuters'`);
    const [aljazeera] = await app.db.manager.query(`SELECT id FROM source WHERE slug = 'al-jazeera'`);
    const [person] = await app.db.manager.query(`INSERT INTO person (slug, name, search_text) VALUES ('mallory', $1, 'mallory') RETURNING id`, [`Mallory ${HOSTILE}`]);
    const [hostile] = await app.db.manager.query(
      `INSERT INTO article (source_id, url, slug, title, summary, paragraphs, language, published_at, updated_at, byline, content_hash, search_text)
       VALUES ($1, 'https://reuters.example/hostile', 'hostile-story', $2, $3, $4, 'en', '2020-01-02T10:00:00Z', '2020-01-02T10:00:00Z', $5, 'h-hostile', 'hostile') RETURNING id`,
      [reuters.id, HOSTILE, `Summary ${HOSTILE}`, [`<img src=x onerror=alert(1)>`, `Paragraph ${HOSTILE}`], `By ${HOSTILE}`],
    );
    await app.db.manager.query('INSERT INTO article_author (article_id, person_id, position) VALUES ($1, $2, 0)', [hostile.id, person.id]);
    await app.db.manager.query('INSERT INTO article_mention (article_id, person_id, count) VALUES ($1, $2, 1)', [hostile.id, person.id]);
    await app.db.transaction(async (manager) => {
      await upsertFeedItems(manager, reuters.id, [
        { itemKey: 'hostile', headline: HOSTILE, url: 'javascript:alert(1)', imageUrl: null, language: 'en', publishedAt: new Date('2020-01-02T10:00:00Z'), position: 1, articleId: hostile.id },
        { itemKey: 'linked', headline: 'A headline with a link', url: 'https://reuters.example/linked', imageUrl: null, language: 'en', publishedAt: new Date('2020-01-01T09:00:00Z'), position: 2, articleId: null },
      ]);
      await upsertFeedItems(manager, aljazeera.id, [
        { itemKey: 'cairo', headline: ARABIC, url: null, imageUrl: null, language: 'ar', publishedAt: new Date('2020-01-01T10:00:00Z'), position: 1, articleId: null },
      ]);
    });
    const [arabic] = await app.db.manager.query(`SELECT id FROM feed_item WHERE item_key = 'cairo'`);
    const [linked] = await app.db.manager.query(`SELECT id FROM feed_item WHERE item_key = 'linked'`);
    arabicItem = toGlobalId('FeedItem', arabic.id);
    linkedItem = toGlobalId('FeedItem', linked.id);
  });
  afterAll(() => app?.close());

  it('lists the sample’s 20 headlines in latestFeed’s order, each with its language and direction, publisher and time', async () => {
    expect(headlines).toHaveLength(20);
    const body = await page('/');
    const doc = documentOf(body);
    const links = [...doc.querySelectorAll('#main a.headline')];
    expect(links.slice(0, 20).map((a) => (a.textContent ?? '').normalize('NFC'))).toEqual(headlines);
    for (const a of links.slice(0, 20)) {
      expect([a.getAttribute('lang'), a.getAttribute('dir')]).toEqual(['bn', 'ltr']);
      // The sample's sidebar has no links: each leads to its headline's page here.
      expect(a.getAttribute('href')).toMatch(/^\/items\/[A-Za-z0-9%]+$/);
    }
    // The same order as the API's.
    const api = await app.gql('{ latestFeed(first: 23) { edges { node { headline } } } }');
    expect(links.map((a) => a.textContent)).toEqual(api.data!.latestFeed.edges.map((e: any) => e.node.headline));
    expect(body).toContain('<a href="/sources/sample-bengali-publisher">Sample Bengali publisher</a> · <time datetime="2025-09-03T00:00:00.000Z">');
    expect(body).toContain('<span>Bangla</span>');
    // The stories, the sample's article among them.
    expect([...doc.querySelectorAll('#main a.story')].map((a) => a.getAttribute('href'))).toContain(`/articles/${articleSlug}`);
  });

  it('has the feeds in its head, landmarks, a heading outline and the endpoints in its footer', async () => {
    const body = await page('/');
    const doc = documentOf(body);
    const alternates = [...doc.querySelectorAll('head link[rel="alternate"]')].map((l) => [l.getAttribute('type'), l.getAttribute('href')]);
    expect(alternates).toEqual([
      ['application/rss+xml', '/feeds/latest.rss'],
      ['application/atom+xml', '/feeds/latest.atom'],
      ['application/feed+json', '/feeds/latest.json'],
    ]);
    for (const landmark of ['body > header', 'header > nav', 'body > main', 'body > footer']) expect(doc.querySelector(landmark)).not.toBeNull();
    expect(doc.documentElement!.getAttribute('lang')).toBe('en');
    const outline = [...doc.querySelectorAll('h1, h2')].map((h) => h.textContent);
    expect(outline).toEqual(['Latest news', 'Latest headlines', 'Stories', 'Endpoints']);
    // A heading of its own for every headline and story.
    expect([...doc.querySelectorAll('#main h3')]).toHaveLength([...doc.querySelectorAll('#main li')].length);
    const footer = [...doc.querySelectorAll('footer a')].map((a) => a.getAttribute('href'));
    expect(footer).toEqual(['/graphql', '/graphiql', '/feeds/latest.rss', '/feeds/latest.atom', '/feeds/latest.json', '/healthz', '/readyz']);
    // Each one answers.
    for (const href of footer) expect({ href, found: (await get(href!)).status !== 404 }).toEqual({ href, found: true });
  });

  it('serves an article with its 11 paragraphs, byline, people and cited outlets linked', async () => {
    const body = await page(`/articles/${articleSlug}`);
    const doc = documentOf(body);
    const title = doc.querySelector('article h1')!;
    expect((title.textContent ?? '').normalize('NFC')).toBe(sample.title.normalize('NFC'));
    expect([title.getAttribute('lang'), title.getAttribute('dir')]).toEqual(['bn', 'ltr']);
    const paragraphs = [...doc.querySelectorAll('article > p[lang]')].filter((p) => !p.getAttribute('class'));
    expect(paragraphs.map((p) => (p.textContent ?? '').normalize('NFC'))).toEqual(sample.paragraphs.map((p) => p.normalize('NFC')));
    expect(paragraphs).toHaveLength(11);
    for (const p of paragraphs) expect([p.getAttribute('lang'), p.getAttribute('dir')]).toEqual(['bn', 'ltr']);
    expect(doc.querySelector('article .byline')!.textContent).toBe(sample.byline);
    const links = [...doc.querySelectorAll('#main section a')].map((a) => [a.getAttribute('href'), a.textContent]);
    expect(links).toEqual([
      ['/people/shehbaz-sharif', 'Shehbaz Sharif'],
      ['/people/vladimir-putin', 'Vladimir Putin'],
      ['/sources/trt-world', 'TRT World'],
    ]);
    expect(body).toContain('(named 7 times)');
    expect([...doc.querySelectorAll('h1, h2')].map((h) => h.textContent?.normalize('NFC'))).toEqual([sample.title.normalize('NFC'), 'People mentioned', 'Cited outlets', 'Endpoints']);
    // Its publisher's feeds first, then everyone's.
    expect(doc.querySelector('head link[rel="alternate"]')!.getAttribute('href')).toBe('/feeds/latest.rss?source=sample-bengali-publisher');
  });

  it('serves a person’s and a source’s latest articles, and the source’s headlines', async () => {
    const putin = documentOf(await page('/people/vladimir-putin'));
    expect(putin.querySelector('h1')!.textContent).toBe('Vladimir Putin');
    expect([...putin.querySelectorAll('#main a.story')].map((a) => a.getAttribute('href'))).toEqual([`/articles/${articleSlug}`]);
    expect(putin.querySelector('head link[rel="alternate"]')!.getAttribute('href')).toBe('/feeds/latest.rss?person=vladimir-putin');

    const source = documentOf(await page('/sources/sample-bengali-publisher'));
    expect(source.querySelector('h1')!.textContent).toBe('Sample Bengali publisher');
    expect([...source.querySelectorAll('#main a.headline')].map((a) => (a.textContent ?? '').normalize('NFC'))).toEqual(headlines);
    expect([...source.querySelectorAll('#main a.story')].map((a) => a.getAttribute('href'))).toEqual([`/articles/${articleSlug}`]);
    const trt = documentOf(await page('/sources/trt-world'));
    expect(trt.querySelector('h1')!.textContent).toBe('TRT World');
  });

  it('serves a headline without link or story on its own page, right to left in Arabic, and redirects one with a link', async () => {
    const doc = documentOf(await page(`/items/${encodeURIComponent(arabicItem)}`));
    const h1 = doc.querySelector('article h1')!;
    expect([h1.textContent, h1.getAttribute('lang'), h1.getAttribute('dir')]).toEqual([ARABIC, 'ar', 'rtl']);
    expect(doc.querySelector('article .meta a')!.getAttribute('href')).toBe('/sources/al-jazeera');
    const front = documentOf(await page('/'));
    const arabic = [...front.querySelectorAll('#main a.headline')].find((a) => a.textContent === ARABIC)!;
    expect([arabic.getAttribute('href'), arabic.getAttribute('lang'), arabic.getAttribute('dir')]).toEqual([`/items/${encodeURIComponent(arabicItem)}`, 'ar', 'rtl']);

    const redirect = await get(`/items/${encodeURIComponent(linkedItem)}`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://reuters.example/linked');
  });

  it('escapes every title, paragraph, name and byline, and links no javascript: URL', async () => {
    const front = await page('/');
    expect(front).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; &#39;quoted&#39;');
    expect(front).not.toContain('javascript:');
    const frontDoc = documentOf(front);
    const hostile = [...frontDoc.querySelectorAll('#main a.headline')].find((a) => a.textContent === HOSTILE)!;
    // The item's URL is not a web URL: the headline leads to its story here instead.
    expect(hostile.getAttribute('href')).toBe('/articles/hostile-story');

    const body = await page('/articles/hostile-story');
    const doc = documentOf(body);
    expect(doc.querySelector('article h1')!.textContent).toBe(HOSTILE);
    // Cut to html-validate's 70 characters of markup (escaped), at a whole character.
    expect(doc.querySelector('title')!.textContent).toBe('<script>alert("owned")</script>… · newsgate');
    expect([...doc.querySelectorAll('article > p[lang]')].map((p) => p.textContent)).toEqual([`By ${HOSTILE}`, `Summary ${HOSTILE}`, '<img src=x onerror=alert(1)>', `Paragraph ${HOSTILE}`]);
    expect(doc.querySelector('#authors + ul a')!.textContent).toBe(`Mallory ${HOSTILE}`);
    expect(body).not.toMatch(/<img|<b>/);
    await page('/people/mallory');
  });

  it('answers unknown slugs and ids with the 404 page', async () => {
    const paths = ['/articles/no-such-story', '/sources/no-such-source', '/people/no-such-person', '/items/nonsense', `/items/${encodeURIComponent(toGlobalId('FeedItem', '00000000-0000-4000-8000-000000000000'))}`, `/items/${encodeURIComponent(toGlobalId('Article', '00000000-0000-4000-8000-000000000000'))}`, `/articles/${'x'.repeat(5000)}`, '/articles/%3Cscript%3E'];
    for (const path of paths) {
      const body = await page(path, 404);
      expect(body).toContain('<h1>Not found</h1>');
      expect(body).not.toContain('<script');
    }
    const res = await get('/articles/no-such-story');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    // Other methods are not allowed; paths that are no page keep the gateway's JSON 404.
    expect((await fetch(`${app.url}/`, { method: 'POST' })).status).toBe(405);
    expect((await get('/nothing-here')).status).toBe(404);
  });

  it('answers like the feeds: ETag, Cache-Control, 304 for a matching If-None-Match, HEAD', async () => {
    const res = await get('/');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect((await get(`/articles/${articleSlug}`)).headers.get('cache-control')).toBe('public, max-age=300');
    const again = await get('/', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await get('/', { 'if-none-match': `W/${etag}` })).status).toBe(304);
    expect((await get('/', { 'if-none-match': '"other"' })).status).toBe(200);
    const head = await fetch(`${app.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
  });

  it('keeps a 404 until new items are stored, so a broken link runs no statement twice', async () => {
    expect((await get('/people/arrives-later')).status).toBe(404);
    // Stored behind the gateway's back (no new items signalled): the kept 404 still answers.
    await app.db.manager.query(`INSERT INTO person (slug, name, search_text) VALUES ('arrives-later', 'Arrives Later', 'arrives later')`);
    expect((await get('/people/arrives-later')).status).toBe(404);
    // New items end every kept page, the 404 with them.
    await app.gateway.cacheInvalidation.newItemsStored();
    expect((await get('/people/arrives-later')).status).toBe(200);
  });
});

describe('front page under the readers’ rate limit', () => {
  let app: TestApp;
  // Three page views at once (150 points), then one every 50 s: no refill in the test's time, however slow the machine.
  const BURST = 3 * PAGE_VIEW_COST;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { headers, redirect: 'manual' });

  beforeAll(async () => {
    app = await startTestApp(e2eConfig({ RATE_LIMIT_ANONYMOUS_PER_SECOND: '1', RATE_LIMIT_ANONYMOUS_BURST: String(BURST) }));
    await seed(app.db);
  });
  afterAll(() => app?.close());

  it('charges each view PAGE_VIEW_COST (50) points of the reader’s bucket, answers 429 with a page and Retry-After past it, and keeps 304s free', async () => {
    const first = await get('/');
    expect(first.status).toBe(200);
    expect([first.headers.get('x-query-cost'), first.headers.get('ratelimit-limit'), first.headers.get('ratelimit-remaining')]).toEqual([String(PAGE_VIEW_COST), String(BURST), String(BURST - PAGE_VIEW_COST)]);
    const etag = first.headers.get('etag')!;
    // Pages of every kind are charged, a 404 included (it runs a statement the first time).
    expect((await get('/sources/reuters')).status).toBe(200);
    expect((await get('/people/no-such-person')).status).toBe(404);

    const refused = await get('/');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const body = await refused.text();
    expect(body).toContain('<h1>Too many requests</h1>');
    expect(await htmlProblems(body)).toEqual([]);

    // A reader who has the page as it stands is answered 304 with an empty bucket, uncharged.
    const notModified = await get('/', { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('ratelimit-remaining')).toBeNull();
    // A stale validator is a full view, and still refused.
    expect((await get('/', { 'if-none-match': '"stale"' })).status).toBe(429);
  });
});

