import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { Router, type Request, type Response } from 'express';
import type { AppConfig } from '../config/config';
import type { Viewer } from '../common/viewer';
import { inputLengthError, type InputKind } from '../common/input-limits';
import { CACHE_SECONDS } from '../cache/cache-hints';
import { FEED_SIZE, type FeedFilters, type SyndicationFeedService } from './syndication-feed.service';
import { entityTag, FEED_CONTENT_TYPES, renderFeed, type FeedFormat } from './syndication-feed.writer';
import { chargeViewer, rateLimitedError, rateLimitHeaders } from '../edge/limits.plugin';
import type { CostLimiter } from '../edge/rate-limiter';
import type { CacheGeneration } from '../common/generation';
import { sendRequestError } from '../edge/error-response';

interface RenderedFeed {
  body: string;
  etag: string;
  lastModified: string | null;
}

const FILTERS = ['source', 'person', 'language', 'q'] as const;

/** Each filter is limited like the GraphQL argument it stands for (graphql/input-limits.ts). */
const FILTER_KINDS: Record<(typeof FILTERS)[number], InputKind> = { source: 'slug', person: 'slug', language: 'languageTag', q: 'search' };

export interface SyndicationFeedRouteDeps {
  config: AppConfig;
  feeds: SyndicationFeedService;
  limiter: CostLimiter;
  cache: KeyValueCache<string>;
  generation: CacheGeneration;
}

/**
 * `/feeds/latest.{rss,atom,json}`. A rendered feed is cached (in Redis when configured) under the
 * cache generation, so new items end it at once; ETag and Last-Modified answer conditional
 * requests with 304. Callers are authenticated and CORS-checked before this router, and charged
 * like a query for FEED_SIZE objects.
 */
export function syndicationFeedRouter({ config, feeds, limiter, cache, generation }: SyndicationFeedRouteDeps): Router {
  const router = Router();
  for (const format of ['rss', 'atom', 'json'] as const) {
    router.get(`/feeds/latest.${format}`, async (req: Request, res: Response) => {
      try {
        const viewer = res.locals.viewer as Viewer;
        // Refused before it is charged or any SQL runs: the same limits as GraphQL's arguments.
        const filters = readFilters(req);
        const decision = await chargeViewer(limiter, viewer, FEED_SIZE);
        if (decision) for (const [name, value] of rateLimitHeaders(decision)) res.setHeader(name, value);
        if (decision && !decision.allowed) throw rateLimitedError(decision, FEED_SIZE);

        const cacheKey = `feed:${await generation.current()}:${format}:${JSON.stringify(filters)}`;
        let rendered = await readCached(cache, cacheKey);
        if (!rendered) {
          const base = config.publicUrl ?? `${req.protocol}://${String(req.get('host'))}`;
          const query = new URLSearchParams(FILTERS.flatMap((name): Array<[string, string]> => (filters[name] ? [[name, filters[name]!]] : []))).toString();
          const self = (f: FeedFormat) => `${base}/feeds/latest.${f}${query ? `?${query}` : ''}`;
          const feed = await feeds.latest(filters, { base, self: { rss: self('rss'), atom: self('atom'), json: self('json') } });
          const body = renderFeed(format, feed);
          rendered = { body, etag: entityTag(body), lastModified: feed.entries.length > 0 ? feed.updated.toUTCString() : null };
          await cache.set(cacheKey, JSON.stringify(rendered), { ttl: CACHE_SECONDS.headlines });
        }

        // A keyed feed is the partner's: shared caches must not hand it to anyone else.
        res.setHeader('cache-control', `${viewer.kind === 'anonymous' ? 'public' : 'private'}, max-age=${CACHE_SECONDS.headlines}`);
        res.setHeader('etag', rendered.etag);
        if (rendered.lastModified) res.setHeader('last-modified', rendered.lastModified);
        if (notModified(req, rendered)) {
          res.status(304).end();
          return;
        }
        res.type(FEED_CONTENT_TYPES[format]).send(rendered.body);
      } catch (error) {
        sendRequestError(res, error);
      }
    });
  }
  return router;
}

function readFilters(req: Request): FeedFilters {
  const filters: FeedFilters = {};
  for (const name of FILTERS) {
    const value = req.query[name];
    if (typeof value !== 'string' || value.trim() === '') continue;
    const tooLong = inputLengthError(FILTER_KINDS[name], value, name);
    if (tooLong) throw tooLong;
    filters[name] = value.normalize('NFC').trim();
  }
  return filters;
}

async function readCached(cache: KeyValueCache<string>, key: string): Promise<RenderedFeed | null> {
  const hit = await cache.get(key);
  return hit ? (JSON.parse(hit) as RenderedFeed) : null;
}

/** RFC 9110: If-None-Match wins over If-Modified-Since; weak comparison for If-None-Match. */
function notModified(req: Request, feed: RenderedFeed): boolean {
  const ifNoneMatch = req.get('if-none-match');
  if (ifNoneMatch) {
    if (ifNoneMatch.trim() === '*') return true;
    return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === feed.etag);
  }
  const ifModifiedSince = req.get('if-modified-since');
  if (ifModifiedSince && feed.lastModified) {
    const since = Date.parse(ifModifiedSince);
    return !Number.isNaN(since) && Date.parse(feed.lastModified) <= since;
  }
  return false;
}
