import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { Router, type Request, type Response } from 'express';
import type { AppConfig } from '../config/config';
import type { Viewer } from '../common/viewer';
import { inputLengthError, type InputKind } from '../common/input-limits';
import { CACHE_SECONDS } from '../cache/cache-hints';
import { FEED_SIZE, type FeedFilters, type SyndicationFeedService } from './syndication-feed.service';
import { entityTag, FEED_CONTENT_TYPES, renderFeed, type FeedFormat, type SyndicationFeed } from './syndication-feed.writer';
import { NotFoundError } from '../common/errors/domain-errors';
import { fromGlobalIdOfType, toGlobalId } from '../graphql/relay/global-id';
import { savedFeedPath } from '../feed-item/saved-feed.record';
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
 * What a full feed answer (200) costs against the caller's bucket: one point per item it can
 * hold (FEED_SIZE), whether it was rendered for this request or read from the feed cache.
 */
export const FEED_POLL_COST = FEED_SIZE;

/**
 * How long the validators (ETag, Last-Modified) of a rendered feed keep answering conditional
 * requests with a free 304 after the rendered copy itself has lapsed (CACHE_SECONDS.headlines):
 * they are kept under the cache generation too, so new items end them at once.
 */
const FEED_VALIDATOR_SECONDS = 3600;

/**
 * `/feeds/latest.{rss,atom,json}` and `/feeds/saved/<id>.{rss,atom,json}`. A rendered feed is
 * cached (in Redis when configured) under the cache generation, so new items end it at once; ETag
 * and Last-Modified answer conditional requests with 304. Callers are authenticated and
 * CORS-checked before this router.
 *
 * What a poll costs: a conditional request whose validators match a feed rendered in this cache
 * generation (within FEED_VALIDATOR_SECONDS) is answered 304 from the cache, with no SQL and no
 * charge (`X-Query-Cost: 0`), even when the caller's bucket is empty. Anything else is charged
 * FEED_POLL_COST first: a 200, and a 304 that needed the feed rendered again to compare. A saved
 * feed is looked up first (one statement by its key: who may read it, whether it still exists),
 * so no 304 is answered for a feed deleted or no longer the caller's.
 */
export function syndicationFeedRouter(deps: SyndicationFeedRouteDeps): Router {
  const router = Router();
  const { feeds } = deps;
  for (const format of ['rss', 'atom', 'json'] as const) {
    router.get(`/feeds/latest.${format}`, (req: Request, res: Response) =>
      serveFeed(deps, req, res, async () => {
        // Refused before it is charged or any SQL runs: the same limits as GraphQL's arguments.
        const filters = readFilters(req);
        return {
          format,
          key: JSON.stringify(filters),
          build: (base) => {
            const query = new URLSearchParams(FILTERS.flatMap((name): Array<[string, string]> => (filters[name] ? [[name, filters[name]!]] : []))).toString();
            const self = (f: FeedFormat) => `${base}/feeds/latest.${f}${query ? `?${query}` : ''}`;
            return feeds.latest(filters, { base, self: { rss: self('rss'), atom: self('atom'), json: self('json') } });
          },
        };
      }),
    );
  }
  // A saved feed: the latest feed with a stored filter (src/feed-item/saved-feed.service.ts says who may read it).
  router.get('/feeds/saved/:file', (req: Request, res: Response) =>
    serveFeed(deps, req, res, async () => {
      const match = /^(.+)\.(rss|atom|json)$/.exec(String(req.params.file));
      const id = match ? savedFeedDbId(match[1]!) : null;
      if (!match || !id) throw new NotFoundError('No saved feed has this ID.', { argument: 'id' });
      const saved = await feeds.savedFeed(res.locals.viewer as Viewer, id);
      return {
        format: match[2] as FeedFormat,
        key: `saved:${saved.dbId}`,
        build: (base) => {
          const self = (f: FeedFormat) => `${base}${savedFeedPath(toGlobalId('SavedFeed', saved.dbId), f)}`;
          return feeds.saved(saved, { base, self: { rss: self('rss'), atom: self('atom'), json: self('json') } });
        },
      };
    }),
  );
  return router;
}

/** The feed a request asks for: its format, its cache key (below the generation and format) and how to build it. */
interface FeedRequest {
  format: FeedFormat;
  key: string;
  build: (base: string) => Promise<SyndicationFeed>;
}

/** One feed response, the same for every feed: `resolve` checks the request and names the feed (before any charge). */
async function serveFeed({ config, limiter, cache, generation }: SyndicationFeedRouteDeps, req: Request, res: Response, resolve: () => Promise<FeedRequest>): Promise<void> {
  try {
    const viewer = res.locals.viewer as Viewer;
    const requested = await resolve();
    const format = requested.format;
    const key = `${await generation.current()}:${format}:${requested.key}`;
    const cacheKey = `feed:${key}`;
    const validatorKey = `feed-validators:${key}`;
    let rendered = await freeNotModified(req, res, viewer, cache, cacheKey, validatorKey);
    if (rendered === 'answered') return;

    const decision = await chargeViewer(limiter, viewer, FEED_POLL_COST);
    if (decision) for (const [name, value] of rateLimitHeaders(decision)) res.setHeader(name, value);
    if (decision && !decision.allowed) throw rateLimitedError(decision, FEED_POLL_COST);

    if (!rendered) {
      const base = config.publicUrl ?? `${req.protocol}://${String(req.get('host'))}`;
      const feed = await requested.build(base);
      const body = renderFeed(format, feed);
      rendered = { body, etag: entityTag(body), lastModified: feed.entries.length > 0 ? feed.updated.toUTCString() : null };
      const validators: FeedValidators = { etag: rendered.etag, lastModified: rendered.lastModified };
      await Promise.all([
        cache.set(cacheKey, JSON.stringify(rendered), { ttl: CACHE_SECONDS.headlines }),
        cache.set(validatorKey, JSON.stringify(validators), { ttl: FEED_VALIDATOR_SECONDS }),
      ]);
    }

    setValidatorHeaders(res, viewer, rendered);
    if (notModified(req, rendered)) {
      res.status(304).end();
      return;
    }
    res.type(FEED_CONTENT_TYPES[format]).send(rendered.body);
  } catch (error) {
    sendRequestError(res, error);
  }
}

/** A saved feed's database id from its URL's global ID; null when it is none (a 404, like an unknown one). */
function savedFeedDbId(globalId: string): string | null {
  try {
    return fromGlobalIdOfType(globalId, 'SavedFeed', 'id');
  } catch {
    return null;
  }
}

type FeedValidators = Pick<RenderedFeed, 'etag' | 'lastModified'>;

/**
 * The free 304: a conditional request whose validators match the rendered feed, or the validators
 * kept of it, in this generation. Reads the cache only (both entries at once). Returns 'answered'
 * when it sent the 304, else the rendered feed when it is cached (null when not).
 */
async function freeNotModified(req: Request, res: Response, viewer: Viewer, cache: KeyValueCache<string>, cacheKey: string, validatorKey: string): Promise<RenderedFeed | null | 'answered'> {
  const conditional = Boolean(req.get('if-none-match') || req.get('if-modified-since'));
  const [rendered, kept] = await Promise.all([readCached(cache, cacheKey), conditional ? readValidators(cache, validatorKey) : null]);
  const validators = rendered ?? kept;
  if (!validators || !notModified(req, validators)) return rendered;
  res.setHeader('x-query-cost', '0');
  setValidatorHeaders(res, viewer, validators);
  res.status(304).end();
  return 'answered';
}

function setValidatorHeaders(res: Response, viewer: Viewer, validators: FeedValidators): void {
  // A keyed feed is the partner's: shared caches must not hand it to anyone else.
  res.setHeader('cache-control', `${viewer.kind === 'anonymous' ? 'public' : 'private'}, max-age=${CACHE_SECONDS.headlines}`);
  res.setHeader('etag', validators.etag);
  if (validators.lastModified) res.setHeader('last-modified', validators.lastModified);
}

async function readValidators(cache: KeyValueCache<string>, key: string): Promise<FeedValidators | null> {
  try {
    const hit = await cache.get(key);
    return hit ? (JSON.parse(hit) as FeedValidators) : null;
  } catch {
    return null; // without them the request is charged and compared as before
  }
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
function notModified(req: Request, feed: FeedValidators): boolean {
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
