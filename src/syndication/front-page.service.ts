import type { ServiceContext } from '../common/request-context';
import type { Loaders } from '../api/loaders';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { ArticleOrder, type ArticleRecord, type MentionRecord } from '../article/article.record';
import type { ArticleService } from '../article/article.service';
import type { FeedItemFilter, FeedItemService } from '../feed-item/feed-item.service';
import type { FeedItemRecord } from '../feed-item/feed-item.record';
import type { FeedItemWithJoins, FeedSelection } from '../feed-item/feed-item.repository';
import type { PersonRecord } from '../person/person.record';
import type { PersonService } from '../person/person.service';
import type { SourceRecord } from '../source/source.record';
import type { SourceService } from '../source/source.service';
import type { StoryService } from '../story/story.service';

/** Headlines on the front page (and on a source's page): the latest, as latestFeed orders them. */
const PAGE_HEADLINES = 50;

/** Articles listed on the front page, a source's page and a person's page. */
const PAGE_ARTICLES = 20;

/** An outlet as a list names it (its page is /sources/<slug>). */
export interface PageOutlet {
  slug: string;
  name: string;
}

/** A headline as the pages show it: the item, its publisher, its article's slug when it has one, and who else carried it. */
export interface PageHeadline {
  /** The feed item's database id (its page is /items/<global id>). */
  id: string;
  headline: string;
  url: string | null;
  language: string | null;
  publishedAt: Date;
  source: PageOutlet | null;
  articleSlug: string | null;
  /** The other outlets that carried the text ("also in"). */
  alsoIn: PageOutlet[];
}

/** An article as a list shows it. */
export interface PageArticleSummary {
  slug: string;
  title: string;
  summary: string | null;
  language: string | null;
  publishedAt: Date;
  source: PageOutlet | null;
  /** The other outlets that carried the text ("also in"). */
  alsoIn: PageOutlet[];
}

export interface FrontPageView {
  headlines: PageHeadline[];
  articles: PageArticleSummary[];
}

export interface ArticlePageView {
  article: ArticleRecord;
  source: SourceRecord | null;
  authors: PersonRecord[];
  mentions: MentionRecord[];
  citedSources: SourceRecord[];
}

export interface SourcePageView {
  source: SourceRecord;
  headlines: PageHeadline[];
  articles: PageArticleSummary[];
}

export interface PersonPageView {
  person: PersonRecord;
  articles: PageArticleSummary[];
}

export interface ItemPageView {
  item: FeedItemRecord;
  source: SourceRecord | null;
  article: ArticleRecord | null;
}

/** What a headline list reads: the item's fields, its publisher's slug and name, its article's slug. */
const HEADLINE_SELECTION: FeedSelection = {
  item: new Set(['headline', 'url', 'language']),
  source: new Set(['slug', 'name']),
  article: new Set(['slug']),
  articleRelations: { authors: new Set(), mentionPeople: new Set(), citedSources: new Set() },
};

const FIRST_PAGE = { backward: false, after: null } as const;

/**
 * The model of the reader's pages (src/http/pages/front-page.routes.ts renders them): the latest
 * headlines across sources in latestFeed's order, an article with its people and outlets, a
 * source's and a person's latest articles, a headline without an article. Everything is read
 * through the domain services, in a request context of its own (loaders for this request only).
 * A lookup that finds nothing answers null; the page then answers 404.
 */
export class FrontPageService {
  constructor(
    private readonly feedItems: FeedItemService,
    private readonly articles: ArticleService,
    private readonly sources: SourceService,
    private readonly people: PersonService,
    /** Who else carried a listed text: the lists show each text once (src/story). */
    private readonly stories: StoryService,
    /** The request context a page is read in: the request's own loaders, id and logger. */
    private readonly requestContext: () => ServiceContext<Loaders>,
  ) {}

  /** `/`: the latest headlines of every source, and the latest stored articles. */
  async frontPage(): Promise<FrontPageView> {
    const ctx = this.requestContext();
    const [headlines, articles] = await Promise.all([
      this.headlines(ctx, {}),
      this.articleList(ctx, this.articles.list(ctx, {}, { ...FIRST_PAGE, limit: PAGE_ARTICLES, order: ArticleOrder.NEWEST_FIRST })),
    ]);
    return { headlines, articles };
  }

  /** `/articles/<slug>`: the article, its publisher, authors, the people it names and the outlets it cites. */
  async article(slug: string): Promise<ArticlePageView | null> {
    const ctx = this.requestContext();
    const article = await this.articles.find(ctx, { slug });
    if (!article) return null;
    const [source, authors, mentions, citedSources] = await Promise.all([
      this.articles.source(ctx, article),
      this.articles.authors(ctx, article),
      this.articles.mentions(ctx, article),
      this.articles.citedSources(ctx, article),
    ]);
    return { article, source, authors, mentions, citedSources };
  }

  /** `/sources/<slug>`: the source, its latest headlines and its latest articles. */
  async source(slug: string): Promise<SourcePageView | null> {
    const ctx = this.requestContext();
    const source = await this.sources.find(ctx, { slug });
    if (!source) return null;
    const [headlines, articles] = await Promise.all([
      this.headlines(ctx, { sourceId: source.dbId }),
      this.articleList(ctx, this.articles.ofSource(ctx, source.dbId, { ...FIRST_PAGE, limit: PAGE_ARTICLES, order: ArticleOrder.NEWEST_FIRST })),
    ]);
    return { source, headlines, articles };
  }

  /** `/people/<slug>`: the person and the latest articles by or about them. */
  async person(slug: string): Promise<PersonPageView | null> {
    const ctx = this.requestContext();
    const person = await this.people.find(ctx, { slug });
    if (!person) return null;
    const articles = await this.articleList(ctx, this.articles.ofPerson(ctx, person.dbId, null, { ...FIRST_PAGE, limit: PAGE_ARTICLES, order: ArticleOrder.NEWEST_FIRST }));
    return { person, articles };
  }

  /** `/items/<global id>`: a headline, its publisher and its article (null when it has none); null for a malformed or unknown id. */
  async item(globalId: string): Promise<ItemPageView | null> {
    const ctx = this.requestContext();
    let id: string;
    try {
      id = fromGlobalIdOfType(globalId, 'FeedItem');
    } catch {
      return null;
    }
    const item = await this.feedItems.find(ctx, id);
    if (!item) return null;
    const [source, article] = await Promise.all([this.feedItems.source(ctx, item), this.feedItems.article(ctx, item)]);
    return { item, source, article };
  }

  /** The latest headlines (across sources each text once), each with the other outlets that carried it. */
  private async headlines(ctx: ServiceContext<Loaders>, filter: FeedItemFilter): Promise<PageHeadline[]> {
    const page = await this.feedItems.latest(ctx, filter, { ...FIRST_PAGE, limit: PAGE_HEADLINES }, HEADLINE_SELECTION);
    const rows = page.rows.slice(0, PAGE_HEADLINES);
    const alsoIn = await this.stories.alsoCarriedBy(ctx, rows.map((item) => ({ articleId: item.articleId, shownSourceId: item.sourceId })));
    return rows.map((item, i) => pageHeadline(item, alsoIn[i]!));
  }

  /** A page of articles (limit + 1 rows) as summaries with their publishers and the other outlets that carried each (one batched load each). */
  private async articleList(ctx: ServiceContext<Loaders>, listed: Promise<{ rows: ArticleRecord[] }>): Promise<PageArticleSummary[]> {
    const rows = (await listed).rows.slice(0, PAGE_ARTICLES);
    const [sources, alsoIn] = await Promise.all([
      Promise.all(rows.map(async (article) => this.articles.source(ctx, article))),
      this.stories.alsoCarriedBy(ctx, rows.map((article) => ({ articleId: article.dbId, shownSourceId: article.sourceId }))),
    ]);
    return rows.map((article, i) => ({
      slug: article.slug,
      title: article.title,
      summary: article.summary ?? null,
      language: article.language ?? null,
      publishedAt: article.publishedAt,
      source: sources[i] ? outlet(sources[i]!) : null,
      alsoIn: alsoIn[i]!.map(outlet),
    }));
  }
}

const outlet = (source: { slug: string; name: string }): PageOutlet => ({ slug: source.slug, name: source.name });

function pageHeadline(item: FeedItemWithJoins, alsoIn: SourceRecord[]): PageHeadline {
  return {
    id: item.dbId,
    headline: item.headline,
    url: item.url ?? null,
    language: item.language ?? null,
    publishedAt: item.publishedAt,
    source: item.joinedSource ? outlet(item.joinedSource) : null,
    articleSlug: item.joinedArticle?.slug ?? null,
    alsoIn: alsoIn.map(outlet),
  };
}
