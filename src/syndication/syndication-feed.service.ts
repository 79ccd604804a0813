import type { Caller, ServiceContext } from '../common/request-context';
import type { Loaders } from '../api/loaders';
import { slugOrGlobalId, toGlobalId } from '../graphql/relay/global-id';
import type { FeedItemFilter, FeedItemService } from '../feed-item/feed-item.service';
import type { FeedFilterService } from '../feed-item/feed-filter.service';
import type { FeedItemWithJoins, FeedSelection } from '../feed-item/feed-item.repository';
import type { SavedFeedRecord } from '../feed-item/saved-feed.record';
import type { SavedFeedService } from '../feed-item/saved-feed.service';
import type { SourceRecord } from '../source/source.record';
import type { StoryService } from '../story/story.service';
import { isRightToLeft } from '../text/language';
import type { SyndicationFeed, SyndicationEntry } from './syndication-feed.writer';

/** How many of the latest headlines a feed carries. */
export const FEED_SIZE = 50;

/** People listed per entry at most (the most named first). */
const MAX_PEOPLE_PER_ENTRY = 20;

export interface FeedFilters {
  /** A source's slug or global ID. */
  source?: string;
  /** A person's slug or global ID: headlines whose article is by or about them. */
  person?: string;
  /** BCP 47 tag (`bn` also matches `bn-BD`). */
  language?: string;
  /** Search text, as `articles(filter: { search })` takes it: the headline or the article's text. */
  q?: string;
}

export interface FeedUrls {
  /** The gateway's public base URL, without a trailing slash (PUBLIC_URL, or the request's host). */
  base: string;
  self: SyndicationFeed['selfUrls'];
}

/** What a feed is about: its title, description and, when filtered to one, its language. */
interface FeedHead {
  title: string;
  description: string;
  language: string | null;
}

/**
 * What a feed reads: every field of the items, the publisher's name, slug and home page, and of
 * the linked articles what an entry carries, with their authors and the people they name. The
 * items, their sources and their articles come in one statement (the sidebar's, FeedItemService),
 * the articles' authors and people in one each, the other outlets that carried each text in two
 * (StoryService.alsoCarriedBy): five statements whatever the feed's length.
 */
const FEED_SELECTION: FeedSelection = {
  item: new Set(['headline', 'url', 'imageUrl', 'language']),
  source: new Set(['slug', 'name', 'homepageUrl']),
  article: new Set(['slug', 'url', 'summary', 'paragraphs', 'language', 'updatedAt', 'imageUrl', 'byline', 'authors', 'mentions']),
  articleRelations: { authors: new Set(['slug', 'name']), mentionPeople: new Set(['slug', 'name']), citedSources: new Set() },
};

/**
 * The feeds' model: the latest feed items (the headlines of every source's "latest" list, with
 * the GraphQL `latestFeed`'s order), each with its publisher and, when the item links to a stored
 * article, the article's summary, authors and the people it names. Filters are the API's
 * (FeedItemService): source, language, a person the article is by or about, a search over the
 * headline and the article's text.
 */
export class SyndicationFeedService {
  constructor(
    private readonly feedItems: FeedItemService,
    /** The normaliser of feed filters the saved feeds share (src/feed-item/feed-filter.service.ts). */
    private readonly filters: FeedFilterService,
    private readonly savedFeeds: SavedFeedService,
    /** Who else carried an entry's text: a feed lists each text once (src/story). */
    private readonly stories: StoryService,
    /** The request context a feed is read in: the request's own loaders, id and logger. */
    private readonly requestContext: () => ServiceContext<Loaders>,
  ) {}

  /** `/feeds/latest.*`: filtered by the query's slugs (or global ids), language and search. */
  async latest(filters: FeedFilters, urls: FeedUrls): Promise<SyndicationFeed> {
    const ctx = this.requestContext();
    const resolved = await this.filters.resolve(ctx, {
      sources: { refs: filters.source ? [slugOrGlobalId(filters.source, 'Source', 'source')] : [], argument: 'source' },
      people: { refs: filters.person ? [slugOrGlobalId(filters.person, 'Person', 'person')] : [], argument: 'person' },
      language: { value: filters.language, argument: 'language' },
      search: filters.q,
    });
    const titleParts = [
      ...resolved.sources.map((s) => s.name),
      ...resolved.people.map((p) => p.name),
      ...(resolved.language ? [resolved.language] : []),
      ...(resolved.search ? [`“${resolved.search}”`] : []),
    ];
    const head: FeedHead = {
      title: titleParts.length > 0 ? `Latest headlines: ${titleParts.join(' · ')}` : 'Latest headlines',
      description: 'The latest headlines aggregated by newsgate, newest first.',
      language: resolved.language,
    };
    return this.feed(ctx, resolved.filter, head, urls);
  }

  /**
   * The saved feed `/feeds/saved/<id>.*` serves to this caller (SavedFeedService.forServing: its
   * key's, or an admin's public one; NOT_FOUND otherwise): the latest feed with its stored filter,
   * titled with its name.
   */
  async savedFeed(caller: Caller, id: string): Promise<SavedFeedRecord> {
    return this.savedFeeds.forServing(caller, id);
  }

  /** A saved feed (from savedFeed) as a feed: the latest headlines under its stored filter. */
  async saved(feed: SavedFeedRecord, urls: FeedUrls): Promise<SyndicationFeed> {
    const ctx = this.requestContext();
    const filter: FeedItemFilter = {};
    if (feed.sourceIds.length === 1) filter.sourceId = feed.sourceIds[0]!;
    else if (feed.sourceIds.length > 1) filter.sourceIds = feed.sourceIds;
    if (feed.personIds.length > 0) filter.personIds = feed.personIds;
    if (feed.language) filter.language = feed.language;
    if (feed.search) filter.search = feed.search;
    const head: FeedHead = {
      title: feed.name,
      description: `“${feed.name}”: a saved feed of the latest headlines aggregated by newsgate, newest first.`,
      language: feed.language,
    };
    return this.feed(ctx, filter, head, urls);
  }

  /** The feed of these items (FEED_SIZE newest), written in the model every format is rendered from. */
  private async feed(ctx: ServiceContext<Loaders>, filter: FeedItemFilter, head: FeedHead, urls: FeedUrls): Promise<SyndicationFeed> {
    const page = await this.feedItems.latest(ctx, filter, { limit: FEED_SIZE, backward: false, after: null }, FEED_SELECTION);
    const items = page.rows.slice(0, FEED_SIZE);
    const alsoIn = await this.stories.alsoCarriedBy(ctx, items.map((item) => ({ articleId: item.articleId, shownSourceId: item.sourceId })));
    const entries = items.map((item, i) => feedEntry(item, alsoIn[i]!, urls.base));
    const updated = entries.reduce<Date | null>((latest, e) => (!latest || e.updatedAt > latest ? e.updatedAt : latest), null);
    return {
      ...head,
      homeUrl: `${urls.base}/`,
      peopleUrl: `${urls.base}/people/`,
      sourcesUrl: `${urls.base}/sources/`,
      selfUrls: urls.self,
      direction: head.language && isRightToLeft(head.language) ? 'rtl' : null,
      updated: updated ?? new Date(0),
      entries,
    };
  }
}

/**
 * One item as a feed entry. Its link is its own URL; an item without one (a sidebar that shows
 * headlines without links, like the sample page's) links to its page on the gateway's front
 * page: the article's page when the item has a stored article, else the item's own page.
 */
function feedEntry(item: FeedItemWithJoins, alsoIn: SourceRecord[], base: string): SyndicationEntry {
  const id = toGlobalId('FeedItem', item.dbId);
  const article = item.joinedArticle ?? null;
  const language = item.language ?? article?.language ?? null;
  const url = item.url ?? (article ? `${base}/articles/${encodeURIComponent(article.slug)}` : `${base}/items/${encodeURIComponent(id)}`);
  const authors = article?.prefetched?.authors ?? [];
  // The byline as printed when it names nobody we know (initials such as এসএস/এসএন).
  const authorList = authors.length > 0 ? authors.map((p) => ({ name: p.name, slug: p.slug })) : article?.byline ? [{ name: article.byline, slug: null }] : [];
  const people = (article?.prefetched?.mentions ?? []).slice(0, MAX_PEOPLE_PER_ENTRY).map((m) => ({ name: m.person.name, slug: m.person.slug }));
  return {
    id,
    url,
    title: item.headline,
    summary: article ? (article.summary ?? article.paragraphs[0] ?? null) : null,
    publishedAt: item.publishedAt,
    // An item has no date of change of its own; its article's, when that is later.
    updatedAt: article && article.updatedAt > item.publishedAt ? article.updatedAt : item.publishedAt,
    imageUrl: item.imageUrl ?? article?.imageUrl ?? null,
    language,
    direction: language && isRightToLeft(language) ? 'rtl' : null,
    publisher: { name: item.joinedSource?.name ?? 'unknown', url: item.joinedSource?.homepageUrl ?? null },
    authors: authorList,
    people,
    alsoIn: alsoIn.map((source) => ({ name: source.name, slug: source.slug })),
  };
}
