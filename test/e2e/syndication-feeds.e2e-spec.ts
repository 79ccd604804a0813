import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { upsertFeedItems } from '../../src/feed-item/feed-item.repository';
import { seed } from '../../src/seed/seed';
import { startTestApp, type TestApp } from '../support/test-app';
import { ADMIN_TOKEN, admin } from '../support/syndication';
import { sampleFromFile } from '../support/sample-text';

/**
 * The gateway's feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1, filtered by source, person, language
 * and search; read by strict XML parsers and Debian's python3-feedparser, Atom validated by jing
 * against RFC 4287's RELAX NG schema; ETag/Last-Modified with 304; Cache-Control; ?key=.
 *
 * The outside tools run as child processes the test waits for without blocking: the gateway
 * answers from this same process, and a synchronous spawn would freeze it (and its connections'
 * timers) for as long as Java takes to start.
 */
const NASTY_TITLE = 'Rates <up> & "down" ]]> again\u0001 ok';
const ARABIC_TITLE = 'الأخبار العاجلة من القاهرة';
const ATOM_SCHEMA = path.resolve(__dirname, '../fixtures/syndication/atom.rnc');
// Debian's python3 (python3-feedparser lives there); the PATH one may be another installation.
const DEBIAN_PYTHON = '/usr/bin/python3';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, `input` on its stdin; a command that cannot start has status null. */
function run(command: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', () => resolve({ status: null, stdout, stderr }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    // A tool that exits without reading its input (or never starts) must not fail the test with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

describe('feeds out', () => {
  let app: TestApp;
  let HAVE_FEEDPARSER = false;
  let HAVE_JING = false;
  let HAVE_PYTHON = false;
  const fetchFeed = (format: string, query = '', headers: Record<string, string> = {}) =>
    fetch(`${app.url}/feeds/latest.${format}${query}`, { headers });

  beforeAll(async () => {
    const ok = async (command: string, args: string[]) => (await run(command, args)).status === 0;
    [app, HAVE_FEEDPARSER, HAVE_JING, HAVE_PYTHON] = await Promise.all([
      startTestApp({ adminToken: ADMIN_TOKEN }),
      ok(DEBIAN_PYTHON, ['-c', 'import feedparser']),
      ok('sh', ['-c', 'command -v jing']),
      ok('python3', ['-c', 'import xml.parsers.expat']),
    ]);
    await seed(app.db);
    // Two stories above the sample's sidebar, each a feed item with its article: the English one
    // links to its own URL, the Arabic one came without a link of its own.
    const [reuters] = await app.db.manager.query(`SELECT id FROM source WHERE slug = 'reuters'`);
    const [aljazeera] = await app.db.manager.query(`SELECT id FROM source WHERE slug = 'al-jazeera'`);
    const [person] = await app.db.manager.query(
      `INSERT INTO person (slug, name, search_text) VALUES ('jane-reporter', 'Jane Reporter', 'jane reporter') RETURNING id`,
    );
    const [named] = await app.db.manager.query(
      `INSERT INTO person (slug, name, search_text) VALUES ('omar-example', 'Omar & “Example”', 'omar example') RETURNING id`,
    );
    const insert = `INSERT INTO article (source_id, url, slug, title, summary, paragraphs, language, published_at, updated_at, image_url, byline, content_hash, search_text)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12) RETURNING id`;
    const [english] = await app.db.manager.query(insert, [
      reuters.id, 'https://reuters.example/markets/rates', 'rates-up', NASTY_TITLE, 'Markets <b>moved</b> & more\u0002.', ['Body.'], 'en',
      new Date('2030-01-02T10:00:00Z'), 'https://reuters.example/img/rates.jpg', 'Jane Reporter', 'h1', 'rates up down again markets moved',
    ]);
    await app.db.manager.query('INSERT INTO article_author (article_id, person_id, position) VALUES ($1, $2, 0)', [english.id, person.id]);
    const [arabic] = await app.db.manager.query(insert, [
      aljazeera.id, 'https://aljazeera.example/news/cairo', 'cairo-news', ARABIC_TITLE, 'ملخص الخبر', ['نص'], 'ar',
      new Date('2030-01-01T10:00:00Z'), null, null, 'h2', 'الأخبار العاجلة من القاهرة',
    ]);
    await app.db.manager.query('INSERT INTO article_mention (article_id, person_id, count) VALUES ($1, $2, 3)', [arabic.id, named.id]);
    await app.db.transaction(async (manager) => {
      await upsertFeedItems(manager, reuters.id, [
        { itemKey: 'url:rates', headline: NASTY_TITLE, url: 'https://reuters.example/markets/rates', imageUrl: null, language: 'en', publishedAt: new Date('2030-01-02T10:00:00Z'), position: 1, articleId: english.id },
      ]);
      await upsertFeedItems(manager, aljazeera.id, [
        { itemKey: 'guid:cairo', headline: ARABIC_TITLE, url: null, imageUrl: null, language: 'ar', publishedAt: new Date('2030-01-01T10:00:00Z'), position: 1, articleId: arabic.id },
      ]);
    });
  });
  afterAll(() => app?.close());

  async function strictXml(body: string): Promise<void> {
    expect(XMLValidator.validate(body)).toBe(true);
    if (!HAVE_PYTHON) return;
    // expat: a conforming, non-validating XML 1.0 parser that rejects control characters outright.
    const expat = await run('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())'], body);
    expect(expat.stderr).toBe('');
    expect(expat.status).toBe(0);
  }

  async function feedparser(
    body: string,
    contentType: string,
  ): Promise<{ bozo: number; exc: string; version: string; titles: string[]; langs: Array<string | null>; links: string[]; tags: string[][] }> {
    const script = `import sys, json, feedparser
d = feedparser.parse(sys.stdin.buffer.read(), response_headers={"content-type": sys.argv[1]})
print(json.dumps({"bozo": int(d.bozo), "exc": str(d.get("bozo_exception", "")), "version": d.version,
  "titles": [e.get("title") for e in d.entries], "langs": [e.get("language") or (e.get("title_detail") or {}).get("language") for e in d.entries],
  "links": [e.get("link") for e in d.entries], "tags": [[t.get("label") or t.get("term") for t in e.get("tags", [])] for e in d.entries]}))`;
    const parsed = await run(DEBIAN_PYTHON, ['-c', script, contentType], body);
    expect(parsed.status).toBe(0);
    return JSON.parse(parsed.stdout);
  }

  it('writes RSS 2.0 that strict parsers and feedparser accept, control characters stripped', async () => {
    const res = await fetchFeed('rss');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const body = await res.text();
    await strictXml(body);
    expect(body).not.toMatch(/[\u0001\u0002]/);
    expect(body).toContain('<dc:creator>Jane Reporter</dc:creator>');
    expect(body).toContain('<dc:publisher>Reuters</dc:publisher>');
    expect(body).toContain('<dc:language>ar</dc:language>');
    expect(body).toContain('<media:content url="https://reuters.example/img/rates.jpg" medium="image"/>');
    // The people the article names, as categories of the gateway's people pages.
    expect(body).toContain(`<category domain="${app.url}/people/">Omar &amp; “Example”</category>`);
    if (!HAVE_FEEDPARSER) return console.log('skipped feedparser check: apt-get install python3-feedparser');
    const parsed = await feedparser(body, 'application/rss+xml');
    expect(parsed).toMatchObject({ bozo: 0, version: 'rss20' });
    expect(parsed.titles[0]).toBe('Rates <up> & "down" ]]> again ok');
    expect(parsed.titles[1]).toBe(ARABIC_TITLE);
    expect(parsed.links[0]).toBe('https://reuters.example/markets/rates');
    // An item without a link of its own links to its article's page on the front page.
    expect(parsed.links[1]).toBe(`${app.url}/articles/cairo-news`);
    expect(parsed.tags[1]).toEqual(['Omar & “Example”']);
  });

  it('writes Atom 1.0 valid against RFC 4287’s RELAX NG schema, with language and right-to-left direction', async () => {
    const res = await fetchFeed('atom');
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const body = await res.text();
    expect(body).toContain(`<entry xml:lang="ar"><id>`);
    expect(body).toContain(`<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml" dir="rtl">${ARABIC_TITLE}</div></title>`);
    expect(body).toContain('<link rel="enclosure" href="https://reuters.example/img/rates.jpg"/>');
    expect(body).toContain(`<author><name>Jane Reporter</name><uri>${app.url}/people/jane-reporter</uri></author>`);
    expect(body).toContain(`<category term="omar-example" scheme="${app.url}/people/" label="Omar &amp; “Example”"/>`);
    expect(body).toContain(`<link rel="alternate" type="text/html" href="${app.url}/articles/cairo-news"/>`);
    // The three readers at once: jing (a Java start-up) dominates.
    const validated = async () => {
      if (!HAVE_JING) return console.log('skipped jing validation: apt-get install jing');
      const dir = mkdtempSync(path.join(os.tmpdir(), 'newsgate-atom-'));
      const file = path.join(dir, 'latest.atom');
      writeFileSync(file, body);
      const jing = await run('jing', ['-c', ATOM_SCHEMA, file]).finally(() => rmSync(dir, { recursive: true, force: true }));
      // jing reports validity errors on stdout; Debian's launcher warns about optional jars on stderr.
      expect(jing.stdout).toBe('');
      expect(jing.status).toBe(0);
    };
    const read = async () => {
      if (!HAVE_FEEDPARSER) return console.log('skipped feedparser check: apt-get install python3-feedparser');
      const parsed = await feedparser(body, 'application/atom+xml');
      expect(parsed).toMatchObject({ bozo: 0, version: 'atom10' });
      expect(parsed.titles.slice(0, 2)).toEqual(['Rates <up> & "down" ]]> again ok', ARABIC_TITLE]);
      expect(parsed.langs[1]).toBe('ar');
      expect(parsed.links.slice(0, 2)).toEqual(['https://reuters.example/markets/rates', `${app.url}/articles/cairo-news`]);
    };
    await Promise.all([strictXml(body), validated(), read()]);
  });

  it('writes JSON Feed 1.1 with authors, language, publisher and direction', async () => {
    const res = await fetchFeed('json');
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const feed = (await res.json()) as any;
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.feed_url).toBe(`${app.url}/feeds/latest.json`);
    const [english, arabic] = feed.items;
    expect(english).toMatchObject({
      url: 'https://reuters.example/markets/rates',
      title: 'Rates <up> & "down" ]]> again ok',
      summary: 'Markets <b>moved</b> & more.',
      date_published: '2030-01-02T10:00:00.000Z',
      authors: [{ name: 'Jane Reporter', url: `${app.url}/people/jane-reporter` }],
      image: 'https://reuters.example/img/rates.jpg',
      language: 'en',
      _newsgate: { publisher: { name: 'Reuters' } },
    });
    expect(english.id).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(english.id, 'base64').toString()).toMatch(/^FeedItem:/);
    expect(arabic).toMatchObject({
      url: `${app.url}/articles/cairo-news`,
      language: 'ar',
      summary: 'ملخص الخبر',
      tags: ['Omar & “Example”'],
      _newsgate: { direction: 'rtl', people: [{ name: 'Omar & “Example”', url: `${app.url}/people/omar-example` }] },
    });
    expect(arabic.content_html).toBe('<p lang="ar" dir="rtl">ملخص الخبر</p>');
    // JSON Feed 1.1's rules (Debian's feedparser 6.0 predates JSON Feed, so they are checked here).
    expect(typeof feed.title).toBe('string');
    for (const item of feed.items) {
      expect(typeof item.id).toBe('string');
      expect(typeof item.content_text === 'string' || typeof item.content_html === 'string').toBe(true);
      expect(new Date(item.date_published).toISOString()).toBe(item.date_published);
      for (const author of item.authors) expect(typeof author.name).toBe('string');
      for (const key of Object.keys(item)) {
        expect(['id', 'url', 'title', 'summary', 'content_text', 'content_html', 'date_published', 'date_modified', 'authors', 'tags', 'image', 'language'].includes(key) || key.startsWith('_')).toBe(true);
      }
    }
  });

  it('filters by source, person, language and search', async () => {
    const titles = async (query: string) => (((await (await fetchFeed('json', query)).json()) as any).items as Array<{ title: string }>).map((i) => i.title);
    const sample = sampleFromFile().headlines;
    expect(await titles('?source=al-jazeera')).toEqual([ARABIC_TITLE]);
    // A person: the items whose article they wrote (Jane) or are named in (Omar).
    expect(await titles('?person=jane-reporter')).toEqual(['Rates <up> & "down" ]]> again ok']);
    expect(await titles('?person=omar-example')).toEqual([ARABIC_TITLE]);
    expect(await titles('?language=ar')).toEqual([ARABIC_TITLE]);
    // Search: the article's text (its title, summary and body) or the headline alone, for items without an article.
    expect(await titles(`?q=${encodeURIComponent('القاهرة')}`)).toEqual([ARABIC_TITLE]);
    expect(await titles('?q=markets')).toEqual(['Rates <up> & "down" ]]> again ok']);
    expect(await titles(`?q=${encodeURIComponent('পুতিন')}`)).toEqual(sample.filter((headline) => headline.includes('পুতিন')));
    expect(await titles(`?q=${encodeURIComponent('পুতিন')}&person=omar-example`)).toEqual([]);
    expect(await titles('?language=bn')).toEqual(sample);
    expect(await titles('?source=sample-bengali-publisher&language=bn')).toEqual(sample);
    const arabicFeed = await (await fetchFeed('atom', '?language=ar')).text();
    expect(arabicFeed).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">');
    const missing = await fetchFeed('rss', '?source=no-such-source');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await fetchFeed('rss', '?language=!!')).status).toBe(400);
  });

  it('answers conditional requests with 304 (ETag and Last-Modified) and says how long to cache', async () => {
    const first = await fetchFeed('atom', '?language=en');
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(lastModified).toBe('Wed, 02 Jan 2030 10:00:00 GMT');
    const byTag = await fetchFeed('atom', '?language=en', { 'if-none-match': `"other", ${etag}` });
    expect(byTag.status).toBe(304);
    expect(await byTag.text()).toBe('');
    expect(byTag.headers.get('etag')).toBe(etag);
    expect((await fetchFeed('atom', '?language=en', { 'if-modified-since': lastModified })).status).toBe(304);
    expect((await fetchFeed('atom', '?language=en', { 'if-none-match': '"stale"' })).status).toBe(200);
    expect((await fetchFeed('atom', '?language=en', { 'if-modified-since': 'Tue, 01 Jan 2030 00:00:00 GMT' })).status).toBe(200);
  });

  it('takes a partner key as ?key= (feed readers send no headers), refuses a wrong one', async () => {
    const created = (await (
      await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...admin },
        body: JSON.stringify({ query: 'mutation { createApiKey(input: { name: "Reader app" }) { secret } }' }),
      })
    ).json()) as any;
    const secret = created.data.createApiKey.secret as string;
    const keyed = await fetchFeed('rss', `?key=${secret}&language=ar`);
    expect(keyed.status).toBe(200);
    expect(keyed.headers.get('cache-control')).toBe('private, max-age=60');
    expect(await keyed.text()).not.toContain(secret);
    const wrong = await fetchFeed('rss', `?key=${secret.slice(0, -2)}xx`);
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('the sample page’s sidebar in the feeds', () => {
  const PUBLIC_URL = 'https://news.example';
  let app: TestApp;
  const expected = sampleFromFile().headlines;
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => ['item', 'entry', 'link'].includes(name) });

  beforeAll(async () => {
    app = await startTestApp({ publicUrl: PUBLIC_URL });
    await seed(app.db);
  });
  afterAll(() => app?.close());

  /** Each entry's headline and link, in feed order, read from the format as a reader would. */
  async function entries(format: 'rss' | 'atom' | 'json'): Promise<Array<{ id: string; title: string; link: string; language: string | undefined }>> {
    const res = await fetch(`${app.url}/feeds/latest.${format}`);
    expect(res.status).toBe(200);
    const body = await res.text();
    if (format === 'json') {
      const feed = JSON.parse(body) as { home_page_url: string; items: Array<{ id: string; title: string; url: string; language?: string }> };
      expect(feed.home_page_url).toBe(`${PUBLIC_URL}/`);
      return feed.items.map((item) => ({ id: item.id, title: item.title, link: item.url, language: item.language }));
    }
    const doc = xml.parse(body);
    if (format === 'rss') {
      expect(doc.rss.channel.link).toEqual([`${PUBLIC_URL}/`]);
      return (doc.rss.channel.item as any[]).map((item) => ({ id: item.guid['#text'], title: item.title, link: item.link[0], language: item['dc:language'] }));
    }
    expect(doc.feed.link.find((l: any) => l['@rel'] === 'alternate')['@href']).toBe(`${PUBLIC_URL}/`);
    return (doc.feed.entry as any[]).map((entry) => ({
      id: decodeURIComponent(String(entry.id).replace('urn:newsgate:', '')),
      title: entry.title['#text'],
      link: entry.link[0]['@href'],
      language: entry['@xml:lang'],
    }));
  }

  it.each(['rss', 'atom', 'json'] as const)('%s holds the 20 "সর্বশেষ" headlines in page order, each linking to its page on the front page', async (format) => {
    const list = await entries(format);
    expect(list.map((e) => e.title)).toEqual(expected);
    for (const entry of list) {
      // The sidebar gives no links and the headlines have no stored article: each links to its item's page.
      expect(entry.link).toBe(`${PUBLIC_URL}/items/${encodeURIComponent(entry.id)}`);
      expect(Buffer.from(entry.id, 'base64').toString()).toMatch(/^FeedItem:[0-9a-f-]{36}$/);
      expect(entry.language).toBe('bn');
    }
  });

  it('gives the same headlines and ids as the API’s latestFeed', async () => {
    const api = await app.gql('{ latestFeed(first: 50) { edges { node { id headline } } } }');
    const nodes = api.data!.latestFeed.edges.map((e: any) => e.node);
    expect((await entries('json')).map((e) => ({ id: e.id, headline: e.title }))).toEqual(nodes);
  });
});
