/**
 * The front page for readers: `/` (the latest headlines across sources, then the latest stories),
 * `/articles/<slug>`, `/sources/<slug>`, `/people/<slug>` and `/items/<id>` (a headline without a
 * URL or story of its own; one with a URL redirects to it). Server-rendered HTML without any
 * script (front-page.html.ts), read through FrontPageService. A rendered page is kept in the
 * server's cache (Redis when configured) under the cache generation, as the feeds are, so new
 * items end it at once; ETag and Cache-Control as the feeds, 304 for a matching If-None-Match.
 * An unknown slug or id answers the 404 page with status 404, kept in the cache like a page (a
 * broken link that many follow runs no statement twice in one generation).
 *
 * Readers are charged as feed readers are: each view costs PAGE_VIEW_COST points of the client
 * address's anonymous bucket, whether rendered or read from the cache, except a conditional
 * request the cached page answers with a 304, which is free. A reader over the limit gets a 429
 * page with Retry-After and the RateLimit fields.
 */
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { CACHE_SECONDS } from '../../cache/cache-hints';
import type { CacheGeneration } from '../../common/generation';
import { inputLengthError } from '../../common/input-limits';
import { clientAddress } from '../../edge/client-address';
import { earlyResponse, sendResponse } from '../../edge/error-response';
import { rateLimitHeaders } from '../../edge/limits.plugin';
import type { CostLimiter } from '../../edge/rate-limiter';
import type { FrontPageService } from '../../syndication/front-page.service';
import { entityTag } from '../../syndication/syndication-feed.writer';
import { articlePageHtml, frontPageHtml, itemPageHtml, notFoundHtml, PAGE_CSP, personPageHtml, rateLimitedHtml, sourcePageHtml, webUrl, type PageSettings } from './front-page.html';

/**
 * What one page view costs the reader: one point per headline the largest page lists (50), the
 * same as a feed poll, so an anonymous reader opens 40 pages at once and then one a second.
 */
export const PAGE_VIEW_COST = 50;

export interface FrontPageRouteDeps {
  pages: FrontPageService;
  settings: PageSettings;
  cache: KeyValueCache<string>;
  generation: CacheGeneration;
  /** The callers' token buckets, shared with GraphQL and the feeds. */
  limiter: CostLimiter;
  /** Whether X-Forwarded-For names the reader (config.trustProxy). */
  trustProxy: boolean;
}

/** A rendered page: its status, and either its HTML or where it redirects. */
interface Rendered {
  status: 200 | 302 | 404 | 429;
  body: string;
  location?: string;
  maxAge: number;
}

export function frontPageRouter(deps: FrontPageRouteDeps): Router {
  const { pages, settings } = deps;
  const notFound = (what: string): Rendered => ({ status: 404, body: notFoundHtml(settings, what), maxAge: 0 });
  /** A page by its path: a slug (or id) too long to be one is simply none. */
  const bySlug =
    (what: string, render: (slug: string) => Promise<Rendered | null>) =>
    async (slug: string): Promise<Rendered> => {
      if (slug === '' || inputLengthError(what === 'headline' ? 'id' : 'slug', slug, what)) return notFound(what);
      return (await render(slug)) ?? notFound(what);
    };
  const ok = (body: string, maxAge: number): Rendered => ({ status: 200, body, maxAge });

  const routes: Array<[string, (param: string) => Promise<Rendered>]> = [
    ['/', async () => ok(frontPageHtml(settings, await pages.frontPage()), CACHE_SECONDS.headlines)],
    [
      '/articles/:slug',
      bySlug('story', async (slug) => {
        const view = await pages.article(slug);
        return view && ok(articlePageHtml(settings, view), CACHE_SECONDS.catalog);
      }),
    ],
    [
      '/sources/:slug',
      bySlug('source', async (slug) => {
        const view = await pages.source(slug);
        return view && ok(sourcePageHtml(settings, view), CACHE_SECONDS.headlines);
      }),
    ],
    [
      '/people/:slug',
      bySlug('person', async (slug) => {
        const view = await pages.person(slug);
        return view && ok(personPageHtml(settings, view), CACHE_SECONDS.headlines);
      }),
    ],
    [
      '/items/:id',
      bySlug('headline', async (id) => {
        const view = await pages.item(id);
        if (!view) return null;
        const url = webUrl(view.item.url);
        if (url) return { status: 302, body: '', location: url, maxAge: CACHE_SECONDS.catalog };
        return ok(itemPageHtml(settings, view), CACHE_SECONDS.catalog);
      }),
    ],
  ];

  const router = Router({ strict: true });
  for (const [path, render] of routes) {
    router
      .route(path)
      // An unexpected error goes to the app's error handler: logged, and a 500 without details.
      .get((req, res, next) => void servePage(deps, req, res, path, render).catch(next))
      .all(methodNotAllowed);
  }
  return router;
}

async function servePage({ settings, cache, generation, limiter, trustProxy }: FrontPageRouteDeps, req: Request, res: Response, path: string, render: (param: string) => Promise<Rendered>): Promise<void> {
  const param = String(req.params.slug ?? req.params.id ?? '').normalize('NFC');
  const key = `page:${await generation.current()}:${path}:${param}`;
  const hit = await cache.get(key);
  let page = hit ? (JSON.parse(hit) as Rendered) : null;
  // The free 304: the reader already has the page as it stands in the cache.
  if (page?.status === 200 && namesTag(req.get('if-none-match'), entityTag(page.body))) {
    send(req, res, page);
    return;
  }
  const decision = await limiter.charge('anonymous', clientAddress(req, trustProxy), PAGE_VIEW_COST);
  for (const [name, value] of rateLimitHeaders(decision)) res.setHeader(name, value);
  if (!decision.allowed) {
    send(req, res, { status: 429, body: rateLimitedHtml(settings, decision.retryAfterSeconds), maxAge: 0 });
    return;
  }
  if (!page) {
    page = await render(param);
    // A 404 is kept too: under the generation, so a slug that comes with the next fetch is found
    // at once; the cache is bounded (an LRU in process, a TTL in Redis), so made-up paths cannot fill it.
    await cache.set(key, JSON.stringify(page), { ttl: CACHE_SECONDS.headlines });
  }
  send(req, res, page);
}

function send(req: Request, res: Response, page: Rendered): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'strict-origin-when-cross-origin');
  if (page.status === 302) {
    res.setHeader('cache-control', `public, max-age=${page.maxAge}`);
    res.redirect(302, page.location!);
    return;
  }
  res.setHeader('content-security-policy', PAGE_CSP);
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cache-control', page.status === 200 ? `public, max-age=${page.maxAge}` : page.status === 429 ? 'no-store' : 'no-cache');
  const etag = entityTag(page.body);
  res.setHeader('etag', etag);
  if (page.status === 200 && namesTag(req.get('if-none-match'), etag)) {
    res.status(304).end();
    return;
  }
  res.status(page.status).type('text/html; charset=utf-8').send(page.body);
}

/** If-None-Match by RFC 9110's weak comparison. */
function namesTag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

const methodNotAllowed: RequestHandler = (_req, res) => {
  res.setHeader('allow', 'GET, HEAD');
  sendResponse(res, earlyResponse(405, 'Method not allowed', 'METHOD_NOT_ALLOWED'));
};
