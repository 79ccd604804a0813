import type { ArticleFilter, ArticleService } from '../article/article.service';
import { ArticleOrder } from '../article/article.record';
import { BadUserInputError, NotFoundError } from '../common/errors/domain-errors';
import { normalizeLanguageFilter } from '../common/input-normalizers';
import type { ServiceContext } from '../common/request-context';
import type { Loaders } from '../api/loaders';
import { fromGlobalIdOfType, toGlobalId } from '../graphql/relay/global-id';
import type { PersonService } from '../person/person.service';
import type { SourceService } from '../source/source.service';
import { isRightToLeft } from '../text/language';
import type { SyndicationFeed, SyndicationEntry } from './syndication-feed.writer';

/** How many of the latest articles a feed carries. */
export const FEED_SIZE = 50;

export interface FeedFilters {
  /** A source's slug or global ID. */
  source?: string;
  /** A person's slug or global ID: articles by or about them. */
  person?: string;
  /** BCP 47 tag (`bn` also matches `bn-BD`). */
  language?: string;
  /** Search text, as `articles(filter: { search })` takes it. */
  q?: string;
}

export interface FeedUrls {
  home: string;
  self: SyndicationFeed['selfUrls'];
}

/**
 * The latest articles as a feed model, with the same filters and search as the GraphQL API (the
 * article service does the work); publishers and authors come through the request's loaders, so a
 * feed costs three statements whatever its length.
 */
export class SyndicationFeedService {
  constructor(
    private readonly articles: ArticleService,
    private readonly sources: SourceService,
    private readonly people: PersonService,
    /** The request context a feed is read in: the request's own loaders, id and logger. */
    private readonly requestContext: () => ServiceContext<Loaders>,
  ) {}

  async latest(filters: FeedFilters, urls: FeedUrls): Promise<SyndicationFeed> {
    const ctx = this.requestContext();
    const { loaders } = ctx;
    const filter: ArticleFilter = {};
    const titleParts: string[] = [];
    if (filters.source) {
      const source = await this.sources.find(ctx, looksLikeGlobalId(filters.source, 'Source') ? { id: fromGlobalIdOfType(filters.source, 'Source') } : { slug: filters.source });
      if (!source) throw new NotFoundError('No source has this slug or ID.', { argument: 'source' });
      filter.sourceIds = [source.dbId];
      titleParts.push(source.name);
    }
    if (filters.person) {
      const person = await this.people.find(ctx, looksLikeGlobalId(filters.person, 'Person') ? { id: fromGlobalIdOfType(filters.person, 'Person') } : { slug: filters.person });
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
      if (filters.q.length > 800) throw new BadUserInputError('"q" is too long.', { argument: 'q' });
      filter.search = filters.q;
      titleParts.push(`“${filters.q.normalize('NFC').trim()}”`);
    }
    const page = await this.articles.list(ctx, filter, { order: ArticleOrder.NEWEST_FIRST, limit: FEED_SIZE, backward: false, after: null });
    const articles = page.rows.slice(0, FEED_SIZE);
    const [sources, authors] = await Promise.all([
      loaders.sourceById.loadMany([...new Set(articles.map((a) => a.sourceId))]),
      loaders.authorsByArticleId.loadMany(articles.map((a) => a.dbId)),
    ]);
    const sourceById = new Map(sources.flatMap((s) => (s && !(s instanceof Error) ? [[s.dbId, s] as const] : [])));
    const entries: SyndicationEntry[] = articles.map((article, index) => {
      const source = sourceById.get(article.sourceId);
      const named = authors[index];
      const authorNames = Array.isArray(named) && named.length > 0 ? named.map((p) => p.name) : article.byline ? [article.byline] : [];
      return {
        id: toGlobalId('Article', article.dbId),
        url: article.url,
        title: article.title,
        summary: article.summary ?? article.paragraphs[0] ?? null,
        publishedAt: article.publishedAt,
        updatedAt: article.updatedAt,
        imageUrl: article.imageUrl,
        language: article.language,
        direction: article.language && isRightToLeft(article.language) ? 'rtl' : null,
        publisher: { name: source?.name ?? 'unknown', url: source?.homepageUrl ?? null },
        authors: authorNames,
      };
    });
    const updated = entries.reduce<Date | null>((latest, e) => (!latest || e.updatedAt > latest ? e.updatedAt : latest), null);
    return {
      title: titleParts.length > 0 ? `Latest headlines: ${titleParts.join(' · ')}` : 'Latest headlines',
      description: 'The latest articles aggregated by newsgate, newest first.',
      homeUrl: urls.home,
      selfUrls: urls.self,
      language,
      direction: language && isRightToLeft(language) ? 'rtl' : null,
      updated: updated ?? new Date(0),
      entries,
    };
  }
}

/** Slugs are lower-case ASCII with hyphens; global IDs are base64 of `Type:uuid`. */
function looksLikeGlobalId(value: string, type: string): boolean {
  try {
    return Buffer.from(value, 'base64').toString('utf8').startsWith(`${type}:`);
  } catch {
    return false;
  }
}
