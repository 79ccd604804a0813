import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { sampleHtml, sampleRss } from './sample-fixtures';

/**
 * A local HTTP server on 127.0.0.1 that plays every kind of publisher the ingestion pipeline
 * meets, good and hostile. Each route is documented with the outcome the pipeline must give.
 * `hits` counts requests per path, so tests can prove what was (not) fetched.
 */
const FEEDS_DIR = path.resolve(__dirname, '../fixtures/feeds');

export interface FixtureServer {
  origin: string;
  url(pathname: string): string;
  hits(pathname: string): number;
  /** The request headers of the last request to a path. */
  lastHeaders(pathname: string): IncomingMessage['headers'] | undefined;
  /** Replaces the body a dynamic feed serves (see /dynamic/). */
  setDynamic(name: string, body: string, contentType?: string): void;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, server: FixtureServerImpl) => void | Promise<void>;

const RSS = 'application/rss+xml; charset=utf-8';

function fixture(name: string): Buffer {
  return readFileSync(path.join(FEEDS_DIR, name));
}

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string | number> = {}): void {
  res.writeHead(status, headers);
  res.end(body);
}

/** An RSS feed of n items: titles mention a known person, so links to people can be checked. */
export function generatedFeed(origin: string, count: number, options: { prefix?: string; withLinks?: boolean } = {}): string {
  const prefix = options.prefix ?? 'item';
  const items: string[] = [];
  for (let i = 1; i <= count; i++) {
    // A word of each item's own in its text: the items are different texts, not copies of one
    // (duplicate detection ignores numbers of one digit and compares word 3-shingles).
    const tag = `${prefix.replace(/\W/g, '')}${String(i).padStart(5, '0')}`;
    const link = options.withLinks === false ? '' : `<link>${origin}/articles/${prefix}-${i}?utm_source=rss</link>`;
    items.push(
      `<item><title>Story ${prefix} ${i}: Putin's remarks</title>${link}<guid isPermaLink="false">${prefix}-${String(i).padStart(5, '0')}</guid>` +
        `<pubDate>${new Date(Date.UTC(2025, 8, 3, 12, 0, 0) - i * 60_000).toUTCString()}</pubDate>` +
        `<dc:creator>Jane Doe</dc:creator><description><![CDATA[<p>Paragraph one of story ${i}, ${tag} about Vladimir Putin, report ${tag}.</p><p>Paragraph two of ${tag}, citing Reuters.</p>]]></description></item>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Generated ${prefix}</title><link>${origin}/</link><language>en</language>${items.join('')}</channel></rss>`;
}

const ROUTES: Record<string, Handler> = {
  // The sample story: as an RSS feed linking to its page, and the page itself (same article as the seed).
  '/sample/feed.rss': (_req, res, s) => send(res, 200, sampleRss(s.url('/sample/story'), s.url('/sample/feed.rss')), { 'content-type': RSS }),
  '/sample/story': (_req, res, s) => send(res, 200, sampleHtml(s.url('/sample/story'), s.url('/sample/feed.rss')), { 'content-type': 'text/html; charset=utf-8' }),
  // A home page advertising its feed (discovery).
  '/sample/': (_req, res) =>
    send(res, 200, `<!DOCTYPE html><html lang="bn"><head><title>নমুনা সংবাদ</title><link rel="alternate" type="application/rss+xml" title="সর্বশেষ" href="/sample/feed.rss"></head><body><h1>নমুনা সংবাদ</h1></body></html>`, {
      'content-type': 'text/html; charset=utf-8',
    }),

  // The other helper's parser fixtures, served with their content types.
  '/feeds/atom.xml': (_req, res) => send(res, 200, fixture('atom10.xml'), { 'content-type': 'application/atom+xml' }),
  '/feeds/feed.json': (_req, res) => send(res, 200, fixture('jsonfeed11.json'), { 'content-type': 'application/feed+json' }),
  '/feeds/rss1.rdf': (_req, res) => send(res, 200, fixture('rss1.rdf'), { 'content-type': 'application/rdf+xml' }),
  '/feeds/bengali.xml': (_req, res) => send(res, 200, fixture('rss2-bengali.xml'), { 'content-type': RSS }),
  // windows-1251 bytes, the charset named only in the XML declaration (and the header says nothing).
  '/feeds/windows-1251.xml': (_req, res) => send(res, 200, fixture('ru-windows-1251.xml'), { 'content-type': 'application/xml' }),
  '/feeds/shift_jis.xml': (_req, res) => send(res, 200, fixture('ja-shift_jis.xml'), { 'content-type': 'text/xml; charset=Shift_JIS' }),
  // Refused by the parser, recorded as an error: MALFORMED, FORBIDDEN_DTD or entities left unexpanded.
  '/feeds/malformed.xml': (_req, res) => send(res, 200, fixture('malformed.xml'), { 'content-type': RSS }),
  '/feeds/xxe-file.xml': (_req, res) => send(res, 200, fixture('xxe-file.xml'), { 'content-type': RSS }),
  '/feeds/xxe-http.xml': (_req, res, s) => send(res, 200, fixture('xxe-http.xml').toString('utf8').replace(/SERVER/g, s.host), { 'content-type': RSS }),
  '/feeds/billion-laughs.xml': (_req, res) => send(res, 200, fixture('billion-laughs.xml'), { 'content-type': RSS }),
  // Targets of the external entities above: any hit means something was fetched.
  '/evil.dtd': (_req, res) => send(res, 200, '<!ENTITY x "pwned">', { 'content-type': 'application/xml-dtd' }),
  '/xxe.txt': (_req, res) => send(res, 200, 'secret', { 'content-type': 'text/plain' }),

  // 50 MB of valid-looking RSS, streamed without Content-Length: cut at FETCH_MAX_BYTES (TOO_LARGE).
  '/feeds/huge.xml': async (_req, res) => {
    res.writeHead(200, { 'content-type': RSS });
    res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>');
    const item = `<item><title>${'x'.repeat(1000)}</title></item>`;
    for (let written = 0; written < 50 * 1024 * 1024 && !res.destroyed; written += item.length * 100) {
      if (!res.write(item.repeat(100))) await drainedOrClosed(res);
    }
    res.end('</channel></rss>');
  },
  // ~1 MB of gzip that inflates to 1 GB of zeros: cut at the cap while inflating (TOO_LARGE), memory flat.
  '/feeds/gzip-bomb.xml': async (_req, res, s) => {
    res.writeHead(200, { 'content-type': RSS, 'content-encoding': 'gzip' });
    const member = s.gzipMember();
    for (let i = 0; i < 100 && !res.destroyed; i++) {
      if (!res.write(member)) await drainedOrClosed(res);
    }
    res.end();
  },
  // One byte a second: the fetch deadline ends it (TIMEOUT), the worker does not hang.
  '/feeds/trickle.xml': (_req, res) => {
    res.writeHead(200, { 'content-type': RSS });
    const body = Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title></channel></rss>');
    let i = 0;
    const timer = setInterval(() => {
      if (res.destroyed || i >= body.length) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(body.subarray(i, ++i));
    }, 1000);
    res.on('close', () => clearInterval(timer));
  },
  // Redirects to addresses SSRF protection refuses under the default configuration (BLOCKED_ADDRESS).
  '/feeds/redirect-metadata': (_req, res) => send(res, 302, '', { location: 'http://169.254.169.254/latest/meta-data/' }),
  '/feeds/redirect-private': (_req, res) => send(res, 301, '', { location: 'http://10.0.0.1/feed.xml' }),
  '/feeds/redirect-loop': (_req, res) => send(res, 302, '', { location: '/feeds/redirect-loop-2' }),
  '/feeds/redirect-loop-2': (_req, res) => send(res, 302, '', { location: '/feeds/redirect-loop' }),
  // ETag and Last-Modified: the second fetch sends them and gets 304 (nothing re-parsed or rewritten).
  '/feeds/conditional.xml': (req, res, s) => {
    const etag = '"v1"';
    const lastModified = 'Wed, 03 Sep 2025 10:00:00 GMT';
    if (req.headers['if-none-match'] === etag || req.headers['if-modified-since'] === lastModified) {
      send(res, 304, '', { etag, 'last-modified': lastModified });
      return;
    }
    send(res, 200, generatedFeed(s.origin, 3, { prefix: 'cond' }), { 'content-type': RSS, etag, 'last-modified': lastModified });
  },
  // Rate limited: 429 with Retry-After (RATE_LIMITED; the next run waits at least that long).
  '/feeds/rate-limited.xml': (_req, res) => send(res, 429, 'slow down', { 'retry-after': '3600', 'content-type': 'text/plain' }),
  '/feeds/unavailable.xml': (_req, res) => send(res, 503, 'down', { 'retry-after': '120', 'content-type': 'text/plain' }),
  '/feeds/not-found.xml': (_req, res) => send(res, 404, 'gone', { 'content-type': 'text/plain' }),
  // An HTML page where a feed was expected (UNSUPPORTED_FORMAT).
  '/feeds/not-a-feed': (_req, res) => send(res, 200, '<!DOCTYPE html><html><body><p>Hello</p></body></html>', { 'content-type': 'text/html' }),
};

class FixtureServerImpl implements FixtureServer {
  origin = '';
  host = '';
  private readonly counts = new Map<string, number>();
  private readonly headers = new Map<string, IncomingMessage['headers']>();
  private readonly dynamic = new Map<string, { body: string; contentType: string }>();
  private member: Buffer | null = null;

  constructor(private readonly server: Server) {}

  url(pathname: string): string {
    return `${this.origin}${pathname}`;
  }

  hits(pathname: string): number {
    return this.counts.get(pathname) ?? 0;
  }

  lastHeaders(pathname: string): IncomingMessage['headers'] | undefined {
    return this.headers.get(pathname);
  }

  setDynamic(name: string, body: string, contentType = RSS): void {
    this.dynamic.set(name, { body, contentType });
  }

  /** 10 MB of zeros, gzipped once (about 10 KB); a hundred copies are one valid multi-member gzip stream. */
  gzipMember(): Buffer {
    this.member ??= gzipSync(Buffer.alloc(10 * 1024 * 1024), { level: 9 });
    return this.member;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? '/', this.origin).pathname;
    this.counts.set(pathname, (this.counts.get(pathname) ?? 0) + 1);
    this.headers.set(pathname, req.headers);
    const route = ROUTES[pathname];
    if (route) return route(req, res, this);
    // /dynamic/<name>: whatever the test set; /generated/<n>: an RSS feed of n items.
    const dynamic = /^\/dynamic\/([\w.-]+)$/.exec(pathname);
    if (dynamic && this.dynamic.has(dynamic[1]!)) {
      const { body, contentType } = this.dynamic.get(dynamic[1]!)!;
      return send(res, 200, body, { 'content-type': contentType });
    }
    const generated = /^\/generated\/(\d+)(?:-([\w]+))?$/.exec(pathname);
    if (generated) return send(res, 200, generatedFeed(this.origin, Number(generated[1]), { prefix: generated[2] ?? 'gen', withLinks: true }), { 'content-type': RSS });
    // Article pages of generated feeds: a plain page with a byline and two paragraphs.
    const article = /^\/articles\/([\w-]+)$/.exec(pathname);
    if (article) {
      return send(
        res,
        200,
        `<!DOCTYPE html><html lang="en"><head><title>Story ${article[1]}</title><meta name="author" content="Jane Doe"></head><body><article><h1>Story ${article[1]}</h1>${'<p>The full text of the story, longer than the feed summary, about Vladimir Putin and what Reuters reported. </p>'.repeat(4)}</article></body></html>`,
        { 'content-type': 'text/html; charset=utf-8' },
      );
    }
    send(res, 404, 'not found', { 'content-type': 'text/plain' });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export async function startFixtureServer(): Promise<FixtureServer> {
  let impl: FixtureServerImpl | null = null;
  const server = createServer((req, res) => {
    impl!.handle(req, res).catch(() => res.destroy());
  });
  impl = new FixtureServerImpl(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  impl.host = `127.0.0.1:${port}`;
  impl.origin = `http://${impl.host}`;
  return impl;
}

/** Waits for backpressure to clear or the client to leave, removing both listeners either way. */
function drainedOrClosed(res: import('node:http').ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
