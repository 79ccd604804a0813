import type { ArticleLoaders } from '../article/article.loaders';
import type { ArticleRecord } from '../article/article.record';
import type { ServiceContext } from '../common/request-context';
import type { KeysetPage, RowsPage, TimeIdKey } from '../db/keyset';
import type { PersonLoaders } from '../person/person.loaders';
import type { PersonRecord } from '../person/person.record';
import type { SourceLoaders } from '../source/source.loaders';
import type { SourceRecord } from '../source/source.record';
import type { StoryLoaders } from './story.loaders';
import type { ArticleClusterRecord, StoryCriteria, StoryKey, StoryRecord } from './story.record';
import type { StoryRepository } from './story.repository';

export type StoryContext = ServiceContext<StoryLoaders & ArticleLoaders & SourceLoaders & PersonLoaders>;

/** Why one article is in its story, as the API shows it. */
export interface StoryLinkRecord {
  articleId: string;
  linkedToId: string | null;
  canonicalId: string | null;
  score: number;
  duplicate: boolean;
  sharedPersonIds: string[];
  sharedSourceIds: string[];
  textSimilarity: number;
  hoursApart: number | null;
}

const present = <T>(values: Array<T | null | Error>): T[] => values.filter((value): value is T => value !== null && !(value instanceof Error));

/** Stories and duplicates for the API: database ids and keyset pages in, records out. */
export class StoryService {
  constructor(private readonly stories: StoryRepository) {}

  find(ctx: StoryContext, id: string): Promise<StoryRecord | null> {
    return ctx.loaders.storyById.load(id);
  }

  async list(_ctx: StoryContext, criteria: StoryCriteria, page: KeysetPage<StoryKey>): Promise<RowsPage<StoryRecord>> {
    const rows = await this.stories.list(criteria, page);
    return { rows, total: () => this.stories.count(criteria) };
  }

  async articles(ctx: StoryContext, story: StoryRecord, page: KeysetPage<TimeIdKey>): Promise<RowsPage<ArticleRecord>> {
    const rows = await ctx.loaders.articlesByStoryId.load({ parentId: story.dbId, page });
    return { rows, total: async () => story.articleCount };
  }

  async people(ctx: StoryContext, story: StoryRecord): Promise<PersonRecord[]> {
    const facets = await ctx.loaders.facetsByStoryId.load(story.dbId);
    return present(await ctx.loaders.personById.loadMany(facets?.personIds ?? []));
  }

  async sources(ctx: StoryContext, story: StoryRecord): Promise<SourceRecord[]> {
    const facets = await ctx.loaders.facetsByStoryId.load(story.dbId);
    return present(await ctx.loaders.sourceById.loadMany(facets?.sourceIds ?? []));
  }

  async languages(ctx: StoryContext, story: StoryRecord): Promise<string[]> {
    return (await ctx.loaders.facetsByStoryId.load(story.dbId))?.languages ?? [];
  }

  async why(ctx: StoryContext, story: StoryRecord): Promise<StoryLinkRecord[]> {
    return (await ctx.loaders.reasonsByStoryId.load(story.dbId)).map(toLink);
  }

  async ofArticle(ctx: StoryContext, article: ArticleRecord): Promise<StoryRecord | null> {
    const cluster = await ctx.loaders.clusterByArticleId.load(article.dbId);
    return cluster ? ctx.loaders.storyById.load(cluster.storyId) : null;
  }

  async storyLink(ctx: StoryContext, article: ArticleRecord): Promise<StoryLinkRecord | null> {
    const cluster = await ctx.loaders.clusterByArticleId.load(article.dbId);
    return cluster ? toLink(cluster) : null;
  }

  /** The canonical copy of the article's text: itself when it is one (or duplicates nothing). */
  async canonical(ctx: StoryContext, article: ArticleRecord): Promise<ArticleRecord> {
    const cluster = await ctx.loaders.clusterByArticleId.load(article.dbId);
    if (!cluster?.canonicalId) return article;
    return (await ctx.loaders.articleById.load(cluster.canonicalId)) ?? article;
  }

  /** The other copies of the article's text (the canonical one's, whichever copy is asked), earliest first. */
  async duplicates(ctx: StoryContext, article: ArticleRecord): Promise<ArticleRecord[]> {
    const cluster = await ctx.loaders.clusterByArticleId.load(article.dbId);
    const canonicalId = cluster?.canonicalId ?? article.dbId;
    const ids = [canonicalId, ...(await ctx.loaders.duplicateIdsByCanonicalId.load(canonicalId))].filter((id) => id !== article.dbId);
    return present(await ctx.loaders.articleById.loadMany(ids));
  }

  async carriedBy(ctx: StoryContext, article: ArticleRecord): Promise<SourceRecord[]> {
    return present(await ctx.loaders.sourceById.loadMany(await ctx.loaders.carriedByArticleId.load(article.dbId)));
  }

  /**
   * For each listed text (an article id, null for a headline without one), the outlets that carried
   * it other than the one the list already names (`shownSourceId`), in carriedBy's order: what a
   * list that shows each text once says beside it ("also in"). Two statements for a whole list.
   */
  async alsoCarriedBy(ctx: StoryContext, listed: ReadonlyArray<{ articleId: string | null; shownSourceId: string }>): Promise<SourceRecord[][]> {
    const articleIds = [...new Set(listed.flatMap((entry) => (entry.articleId ? [entry.articleId] : [])))];
    const carried = new Map<string, string[]>();
    (await ctx.loaders.carriedByArticleId.loadMany(articleIds)).forEach((ids, i) => {
      if (ids instanceof Error) throw ids;
      carried.set(articleIds[i]!, ids);
    });
    const sourceIds = [...new Set([...carried.values()].flat())];
    const sources = new Map(present(await ctx.loaders.sourceById.loadMany(sourceIds)).map((source) => [source.dbId, source]));
    return listed.map((entry) =>
      (entry.articleId ? (carried.get(entry.articleId) ?? []) : [])
        .filter((id) => id !== entry.shownSourceId)
        .flatMap((id) => {
          const source = sources.get(id);
          return source ? [source] : [];
        }),
    );
  }
}

function toLink(row: ArticleClusterRecord): StoryLinkRecord {
  const why = row.why;
  return {
    articleId: row.articleId,
    canonicalId: row.canonicalId,
    linkedToId: why?.linkedTo ?? null,
    score: why?.score ?? 0,
    duplicate: why?.duplicate ?? false,
    sharedPersonIds: why?.sharedPeople ?? [],
    sharedSourceIds: why?.sharedSources ?? [],
    textSimilarity: why?.textSimilarity ?? 0,
    hoursApart: why?.hoursApart ?? null,
  };
}
