import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/domain-errors';
import type { ServiceContext } from '../common/request-context';
import type { SqlExecutor } from '../db/sql-executor';
import { inputLengthError } from '../common/input-limits';
import { discoverFeeds } from '../ingest/discovery/feed-discovery';
import { decodeHtml } from '../ingest/article-page/html-decode';
import { FetchError, FEED_ACCEPT } from '../ingest/fetcher';
import type { IngestRunReport, SourceIngest } from '../ingest/ingest.types';
import { parseOpml, writeOpml, OpmlError } from '../ingest/opml/opml';
import { FeedParseError, parseFeed } from '../ingest/parser';
import { normalizeLanguageTag } from '../text/language';
import { normalizeLine, normalizeOptionalText } from '../text/normalize';
import { slugify } from '../text/slug';
import { FetchState } from '../source/fetch-state';
import type { SourceRegistryLoaders } from './source-registry.loaders';
import type { FeedFetchStatusRecord, NewSource, SourceChanges, SourceFetchStatusRecord } from './source-registry.record';
import { followSettings, replaceFeeds, setFollowState, unfollow, upsertFollow, type SourceRegistryRepository } from '../source/source-registry.repository';
import { SourceKind } from '../source/source.entity';
import { deleteSource, insertSource, sourceExists, updateSource, type SourceRepository } from '../source/source.repository';
import { planClusterRepair, repairClusters } from '../story/story-repair.repository';
import type { SourceRecord } from '../source/source.record';

/** What a URL turned out to be: a feed itself, or a page advertising feeds. */
export interface Discovery {
  feedUrls: string[];
  title: string | null;
  homepageUrl: string | null;
  language: string | null;
}

export interface OpmlImportReport {
  added: Array<{ name: string; feedUrl: string }>;
  skipped: Array<{ feedUrl: string; reason: string }>;
}

/** What the registry service reads through the request's loaders. */
export type SourceRegistryContext = ServiceContext<SourceRegistryLoaders>;

const MAX_FEEDS = 20;
const MAX_NAME_LENGTH = 200;
const MIN_INTERVAL = 1;
const MAX_INTERVAL = 43_200;

/**
 * The registry of followed sources, as admins manage it (GraphQL mutations, CLI, OPML): validation,
 * feed discovery, and the writes, each in one transaction.
 */
export class SourceRegistryService {
  constructor(
    private readonly db: SqlExecutor,
    private readonly sources: SourceRepository,
    private readonly registry: SourceRegistryRepository,
    private readonly ingest: SourceIngest,
    private readonly defaultIntervalMinutes: number,
  ) {}

  /**
   * Follows a new source. Without feed URLs, the home page is fetched and its
   * `<link rel="alternate">` feeds are used (or the URL itself, when it is a feed).
   */
  async add(input: NewSource): Promise<SourceRecord> {
    let feedUrls = normalizeFeedUrls(input.feedUrls ?? []);
    let homepageUrl = input.homepageUrl != null ? httpUrl(input.homepageUrl, 'homepageUrl') : null;
    let name = input.name != null ? normalizeLine(input.name) : '';
    let language = input.language != null ? languageTag(input.language) : null;
    if (feedUrls.length === 0) {
      if (!homepageUrl) throw new BadUserInputError('Give "feedUrls", or a "homepageUrl" whose page links to its feeds.', { argument: 'input.feedUrls' });
      const found = await this.discover(homepageUrl);
      if (found.feedUrls.length === 0) {
        throw new BadUserInputError(`No feed found at ${homepageUrl}: it is not a feed and links to none (<link rel="alternate">).`, { argument: 'input.homepageUrl' });
      }
      // What a page links to is held to the same rules as what an admin types.
      feedUrls = normalizeFeedUrls(found.feedUrls);
      homepageUrl = found.homepageUrl ? httpUrl(found.homepageUrl, 'homepageUrl') : homepageUrl;
      name ||= found.title ?? '';
      language ??= found.language;
    }
    if (name === '') throw new BadUserInputError('"name" must not be empty.', { argument: 'input.name' });
    if (name.length > MAX_NAME_LENGTH) throw new BadUserInputError(`"name" must be at most ${MAX_NAME_LENGTH} characters.`, { argument: 'input.name' });
    await this.assertFetchable(feedUrls);
    const intervalMinutes = interval(input.fetchIntervalMinutes ?? this.defaultIntervalMinutes);
    const timeZone = input.timeZone != null ? zone(input.timeZone) : null;
    const country = input.country != null ? countryCode(input.country) : null;
    const slug = slugify(name);

    const id = await this.db.transaction(async (manager) => {
      const created = await insertSource(manager, {
        slug,
        name,
        aliases: [],
        homepageUrl,
        language,
        country,
        logoUrl: null,
        kind: input.kind ?? SourceKind.PUBLISHER,
      });
      if (!created) {
        throw new ConflictError(`A source with the slug "${slug}" already exists; change it with updateSource.`, { argument: 'input.name', slug });
      }
      await replaceFeeds(manager, created, feedUrls);
      await upsertFollow(manager, created, { intervalMinutes, timeZone });
      return created;
    });
    return (await this.sources.findByIds([id]))[0]!;
  }

  /**
   * Changes a source. Feed URLs, interval or time zone on a source not followed yet (a catalog
   * outlet) start following it; `paused` pauses or resumes it.
   */
  async update(sourceId: string, input: SourceChanges): Promise<SourceRecord> {
    const name = input.name != null ? normalizeLine(input.name) : undefined;
    if (name === '') throw new BadUserInputError('"name" must not be empty.', { argument: 'input.name' });
    const patch = {
      name,
      homepageUrl: input.homepageUrl !== undefined ? (input.homepageUrl === null ? null : httpUrl(input.homepageUrl, 'homepageUrl')) : undefined,
      language: input.language !== undefined ? (input.language === null ? null : languageTag(input.language)) : undefined,
    };
    const feedUrls = input.feedUrls != null ? normalizeFeedUrls(input.feedUrls) : null;
    if (feedUrls) await this.assertFetchable(feedUrls);
    const intervalMinutes = input.fetchIntervalMinutes != null ? interval(input.fetchIntervalMinutes) : null;
    const timeZone = input.timeZone !== undefined ? (input.timeZone === null ? null : zone(input.timeZone)) : undefined;

    await this.db.transaction(async (manager) => {
      if (!(await updateSource(manager, sourceId, patch))) throw new NotFoundError('No source has this ID.', { argument: 'id' });
      const current = await followSettings(manager, sourceId);
      if (current || feedUrls || intervalMinutes !== null || timeZone !== undefined) {
        await upsertFollow(manager, sourceId, {
          intervalMinutes: intervalMinutes ?? current?.intervalMinutes ?? this.defaultIntervalMinutes,
          timeZone: timeZone !== undefined ? timeZone : (current?.timeZone ?? null),
        });
      }
      if (feedUrls) await replaceFeeds(manager, sourceId, feedUrls);
      if (input.paused != null) await setFollowState(manager, sourceId, input.paused ? FetchState.PAUSED : FetchState.ACTIVE);
    });
    return (await this.sources.findByIds([sourceId]))[0]!;
  }

  /**
   * Stops following a source: its feeds and schedule go; the source and the articles it published
   * stay (they are served and cited). With `purge`, the source is deleted with everything it
   * published, and the stories and duplicate groups of its articles are mended (story-repair.repository).
   */
  async remove(sourceId: string, purge: boolean): Promise<{ sourceId: string; purged: boolean; articlesDeleted: number }> {
    return this.db.transaction(async (manager) => {
      if (!(await sourceExists(manager, sourceId))) throw new NotFoundError('No source has this ID.', { argument: 'id' });
      if (purge) {
        // The stories and duplicate groups its articles belonged to are mended in the same transaction.
        const repair = await planClusterRepair(manager, sourceId);
        const deleted = await deleteSource(manager, sourceId);
        await repairClusters(manager, repair);
        return { sourceId, purged: true, ...deleted };
      }
      await unfollow(manager, sourceId);
      return { sourceId, purged: false, articlesDeleted: 0 };
    });
  }

  /**
   * Refuses feed URLs the fetcher would refuse to reach (a private, loopback, link-local or cloud
   * metadata address, literal or as the host name resolves now) unless FETCH_ALLOWLIST opens them:
   * an admin learns it when adding the source, not from a BLOCKED_ADDRESS at every fetch after.
   */
  private async assertFetchable(feedUrls: readonly string[]): Promise<void> {
    const refusals = await Promise.all(feedUrls.map((url) => this.ingest.refusedAddress(url)));
    const index = refusals.findIndex((refusal) => refusal !== null);
    if (index === -1) return;
    const refusal = refusals[index]!;
    throw new BadUserInputError(
      `"feedUrls" holds an address the fetcher refuses: BLOCKED_ADDRESS: ${refusal.host} is ${refusal.address}, ${refusal.reason} address. FETCH_ALLOWLIST opens hosts and ranges meant to be reached.`,
      { argument: 'input.feedUrls', reason: 'BLOCKED_ADDRESS', index },
    );
  }

  /** Fetches the source now and returns when done (waiting for a run another worker has in progress). */
  async refresh(sourceId: string): Promise<{ source: SourceRecord; run: IngestRunReport }> {
    const [source] = await this.sources.findByIds([sourceId]);
    if (!source) throw new NotFoundError('No source has this ID.', { argument: 'id' });
    const run = await this.ingest.runSource(sourceId, { waitIfBusy: true });
    if (run.outcome === 'not-followed') {
      throw new BadUserInputError('This source is not followed: give it feed URLs with updateSource first.', { argument: 'id' });
    }
    return { source, run };
  }

  /** The source's feed URLs, in order; empty when it is not followed. */
  async feedUrls(ctx: SourceRegistryContext, source: SourceRecord): Promise<string[]> {
    return (await ctx.loaders.feedsBySourceId.load(source.dbId)).map((feed) => feed.url);
  }

  /** Schedule and history of a followed source; null when it is not followed. */
  async fetchStatus(ctx: SourceRegistryContext, source: SourceRecord): Promise<SourceFetchStatusRecord | null> {
    const { loaders } = ctx;
    const [status, feeds] = await Promise.all([loaders.fetchStatusBySourceId.load(source.dbId), loaders.feedsBySourceId.load(source.dbId)]);
    if (!status) return null;
    return {
      state: status.state,
      intervalMinutes: status.intervalMinutes,
      timeZone: status.timeZone,
      lastFetchedAt: status.lastAttemptAt,
      lastFetchAt: status.lastAttemptAt,
      lastSuccessAt: status.lastSuccessAt,
      lastError: status.lastError,
      lastErrorAt: status.lastErrorAt,
      nextRunAt: status.nextRunAt,
      consecutiveFailures: status.consecutiveFailures,
      itemsSeen: status.itemsSeen,
      itemsSeenTotal: status.itemsSeenTotal,
      running: status.leaseUntil !== null && status.leaseUntil > new Date(),
      feeds: feeds.map(
        (feed): FeedFetchStatusRecord => ({
          url: feed.url,
          lastFetchedAt: feed.lastFetchedAt,
          lastStatus: feed.lastStatus,
          lastError: feed.lastError,
          itemsSeen: feed.itemsSeen,
        }),
      ),
    };
  }

  /** What a URL offers: itself when it is a feed, else the feeds its page links to. */
  async discover(url: string): Promise<Discovery> {
    let fetched;
    try {
      fetched = await this.ingest.fetch(url, { accept: `text/html;q=0.9, ${FEED_ACCEPT}`, allowTruncated: true });
    } catch (error) {
      if (error instanceof FetchError) throw new BadUserInputError(`Could not fetch ${url}: ${error.code}: ${error.message}`, { argument: 'input.homepageUrl', fetchError: error.code });
      throw error;
    }
    if (fetched.status !== 'ok') return { feedUrls: [], title: null, homepageUrl: url, language: null };
    try {
      const feed = parseFeed(fetched.body, { contentType: fetched.headers.contentType ?? undefined, url: fetched.finalUrl });
      return { feedUrls: [fetched.finalUrl], title: feed.title, homepageUrl: feed.homepageUrl, language: normalizeLanguageTag(feed.language) };
    } catch (error) {
      if (!(error instanceof FeedParseError)) throw error;
    }
    const page = discoverFeeds(decodeHtml(fetched.body, fetched.headers.contentType), fetched.finalUrl);
    return { feedUrls: page.feeds.map((feed) => feed.url).slice(0, MAX_FEEDS), title: page.title, homepageUrl: page.homepageUrl, language: page.language };
  }

  /** Follows every feed of an OPML list not followed yet, one source per outline. */
  async importOpml(body: Buffer): Promise<OpmlImportReport> {
    let subscriptions;
    try {
      subscriptions = parseOpml(body);
    } catch (error) {
      if (error instanceof OpmlError) throw new BadUserInputError(error.message, { argument: 'opml' });
      throw error;
    }
    const followedUrls = await this.registry.followedFeedUrls();
    const report: OpmlImportReport = { added: [], skipped: [] };
    for (const subscription of subscriptions) {
      if (followedUrls.has(subscription.feedUrl)) {
        report.skipped.push({ feedUrl: subscription.feedUrl, reason: 'already followed' });
        continue;
      }
      // The report is printed and may be logged: a refused URL's password is not repeated there.
      const shown = withoutCredentials(subscription.feedUrl);
      const name = subscription.title ?? new URL(subscription.feedUrl).hostname;
      try {
        await this.add({ name, homepageUrl: subscription.homepageUrl, feedUrls: [subscription.feedUrl], language: subscription.language });
        report.added.push({ name, feedUrl: subscription.feedUrl });
      } catch (error) {
        if (!(error instanceof BadUserInputError || error instanceof ConflictError)) throw error;
        report.skipped.push({ feedUrl: shown, reason: error.message });
      }
    }
    return report;
  }

  /** Every followed source's feeds as OPML 2.0. */
  async exportOpml(): Promise<string> {
    const followed = await this.registry.followed();
    const ids = followed.map((row) => row.sourceId);
    const [records, feeds] = await Promise.all([this.sources.findByIds(ids), this.registry.feedsBySourceIds(ids)]);
    const byId = new Map(records.map((record) => [record.dbId, record]));
    return writeOpml(
      followed.map((row) => {
        const source = byId.get(row.sourceId)!;
        return {
          name: source.name,
          homepageUrl: source.homepageUrl,
          language: source.language,
          feedUrls: feeds.filter((feed) => feed.sourceId === row.sourceId).map((feed) => feed.url),
        };
      }),
    );
  }
}

/**
 * An absolute http(s) URL as stored, every way one comes in (GraphQL, the CLI, OPML, discovery).
 * A URL with user info (`http://user:pass@host/`) is refused: the credentials would be stored
 * and shown wherever the URL is (fetch status, logs, OPML exports), and publishers' feeds are
 * public. The message never repeats the URL, which holds the secret.
 */
function httpUrl(raw: string, argument: string): string {
  // The input limits plugin checked this already for GraphQL (edge/input-limits.plugin.ts); the CLI and OPML imports come here directly.
  const tooLong = inputLengthError('url', raw, `input.${argument}`);
  if (tooLong) throw tooLong;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new BadUserInputError(`"${argument}" is not an absolute URL.`, { argument: `input.${argument}` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadUserInputError(`"${argument}" must be an http or https URL.`, { argument: `input.${argument}` });
  if (url.username !== '' || url.password !== '') {
    throw new BadUserInputError(`"${argument}" must not carry a user name or password (user:password@host): newsgate follows public feeds only.`, {
      argument: `input.${argument}`,
      reason: 'URL_WITH_CREDENTIALS',
    });
  }
  url.hash = '';
  return url.href;
}

function withoutCredentials(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.username === '' && url.password === '') return raw;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return raw;
  }
}

function normalizeFeedUrls(urls: string[]): string[] {
  const normalized = [...new Set(urls.map((url) => httpUrl(url, 'feedUrls')))];
  if (normalized.length > MAX_FEEDS) throw new BadUserInputError(`At most ${MAX_FEEDS} feed URLs per source.`, { argument: 'input.feedUrls' });
  return normalized;
}

function languageTag(tag: string): string {
  const normalized = normalizeLanguageTag(tag);
  if (!normalized) throw new BadUserInputError('"language" is not a BCP 47 language tag (such as "bn", "en" or "zh-Hans").', { argument: 'input.language' });
  return normalized;
}

function interval(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < MIN_INTERVAL || minutes > MAX_INTERVAL) {
    throw new BadUserInputError(`"fetchIntervalMinutes" must be a whole number between ${MIN_INTERVAL} and ${MAX_INTERVAL}.`, { argument: 'input.fetchIntervalMinutes' });
  }
  return minutes;
}

function zone(name: string): string {
  const trimmed = normalizeOptionalText(name);
  try {
    if (trimmed) return new Intl.DateTimeFormat('en', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    // reported below
  }
  throw new BadUserInputError('"timeZone" is not an IANA time zone (such as "Asia/Dhaka" or "UTC").', { argument: 'input.timeZone' });
}

function countryCode(code: string): string {
  const upper = code.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(upper)) throw new BadUserInputError('"country" must be an ISO 3166-1 alpha-2 code (such as "BD").', { argument: 'input.country' });
  return upper;
}
