import { NotFoundError } from '../common/errors/domain-errors';
import { normalizeLanguageFilter } from '../common/input-normalizers';
import type { ServiceContext } from '../common/request-context';
import type { Loaders } from '../api/loaders';
import { fromGlobalIdOfType, toGlobalId } from '../graphql/relay/global-id';
import type { FeedItemFilter, FeedItemService } from '../feed-item/feed-item.service';
import type { FeedItemWithJoins, FeedSelection } from '../feed-item/feed-item.repository';
import type { PersonService } from '../person/person.service';
import type { SourceService } from '../source/source.service';
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
 * the articles' authors and people in one each: three statements whatever the feed's length.
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
    private readonly sources: SourceService,
    private readonly people: PersonService,
    /** The request context a feed is read in: the request's own loaders, id and logger. */
    private readonly requestContext: () => ServiceContext<Loaders>,
  ) {}

  /** `/feeds/latest.*`: filtered by the query's slugs (or global ids), language and search. */
  async latest(filters: FeedFilters, urls: FeedUrls): Promise<SyndicationFeed> {
    const ctx = this.requestContext();
    const filter: FeedItemFilter = {};
    const titleParts: string[] = [];
    if (filters.source) {
      const source = await this.sources.find(ctx, looksLikeGlobalId(filters.source, 'Source') ? { id: fromGlobalIdOfType(filters.source, 'Source', 'source') } : { slug: filters.source });
      if (!source) throw new NotFoundError('No source has this slug or ID.', { argument: 'source' });
      filter.sourceId = source.dbId;
      titleParts.push(source.name);
    }
    if (filters.person) {
      const person = await this.people.find(ctx, looksLikeGlobalId(filters.person, 'Person') ? { id: fromGlobalIdOfType(filters.person, 'Person', 'person') } : { slug: filters.person });
      if (!person) throw new NotFoundError('No person has this slug or ID.', { argument: 'person' });
      filter.personIds = [person.dbId];
      titleParts.push(person.name);
    }
    const language = filters.language ? normalizeLanguageFilter(filters.language, 'language') : null;
    if (language) {
      filter.language = language;
      titleParts.push(language);
    }
    if (filters.q) {
      filter.search = filters.q;
      titleParts.push(`“${filters.q.normalize('NFC').trim()}”`);
    }
    const head: FeedHead = {
      title: titleParts.length > 0 ? `Latest headlines: ${titleParts.join(' · ')}` : 'Latest headlines',
      description: 'The latest headlines aggregated by newsgate, newest first.',
      language,
    };
    return this.feed(ctx, filter, head, urls);
  }

  /** The feed of these items (FEED_SIZE newest), written in the model every format is rendered from. */
  private async feed(ctx: ServiceContext<Loaders>, filter: FeedItemFilter, head: FeedHead, urls: FeedUrls): Promise<SyndicationFeed> {
    const page = await this.feedItems.latest(ctx, filter, { limit: FEED_SIZE, backward: false, after: null }, FEED_SELECTION);
    const entries = page.rows.slice(0, FEED_SIZE).map((item) => feedEntry(item, urls.base));
    const updated = entries.reduce<Date | null>((latest, e) => (!latest || e.updatedAt > latest ? e.updatedAt : latest), null);
    return {
      ...head,
      homeUrl: `${urls.base}/`,
      peopleUrl: `${urls.base}/people/`,
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
function feedEntry(item: FeedItemWithJoins, base: string): SyndicationEntry {
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
  };
}

/** Slugs are lower-case ASCII with hyphens; global IDs are base64 of `Type:uuid`. */
function looksLikeGlobalId(value: string, type: string): boolean {
  try {
    return Buffer.from(value, 'base64').toString('utf8').startsWith(`${type}:`);
  } catch {
    return false;
  }
}
