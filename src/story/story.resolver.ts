import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Article, ArticleConnection } from '../article/article.types';
import type { ArticleRecord } from '../article/article.record';
import { BadUserInputError } from '../common/errors/domain-errors';
import { normalizeLanguageFilter } from '../common/input-normalizers';
import type { GraphQLContext } from '../graphql/context';
import { ConnectionArgs, relayPage } from '../graphql/relay/connection';
import { timeIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType, type NodeTypeName } from '../graphql/relay/global-id';
import { Person } from '../person/person.types';
import { Source } from '../source/source.types';
import type { StoryCriteria, StoryKey, StoryRecord } from './story.record';
import { StoryService, type StoryContext, type StoryLinkRecord } from './story.service';
import { Story, StoryConnection, StoryFilter, StoryLink } from './story.types';

type Context = GraphQLContext<StoryContext['loaders']>;

const MAX_FILTER_IDS = 100;

/** Stories' cursors: (lastPublishedAt, id) in the time-and-id cursor format. */
const storyCursor = {
  encode: (key: StoryKey, kind: string) => timeIdCursor.encode({ publishedAt: key.lastPublishedAt, id: key.id }, kind),
  decode(cursor: string, kind: string, argumentName: string): StoryKey {
    const { publishedAt, id } = timeIdCursor.decode(cursor, kind, argumentName);
    return { lastPublishedAt: publishedAt, id };
  },
};

function decodeIds(ids: string[] | null | undefined, type: NodeTypeName, argument: string): string[] | null {
  if (ids == null) return null;
  if (ids.length > MAX_FILTER_IDS) throw new BadUserInputError(`"${argument}" takes at most ${MAX_FILTER_IDS} IDs.`, { argument });
  return ids.map((id) => fromGlobalIdOfType(id, type, argument));
}

function criteriaOf(filter: StoryFilter | null | undefined): StoryCriteria {
  if (!filter) return {};
  return {
    // Canonical, as the articles filter takes it: a malformed tag is BAD_USER_INPUT, not a list that matches nothing.
    language: filter.language != null ? normalizeLanguageFilter(filter.language, 'filter.language') : null,
    publishedAfter: filter.publishedAfter,
    publishedBefore: filter.publishedBefore,
    sourceIds: decodeIds(filter.sourceIds, 'Source', 'filter.sourceIds'),
    personIds: decodeIds(filter.personIds, 'Person', 'filter.personIds'),
  };
}

@Resolver(() => Story)
export class StoryResolver {
  constructor(private readonly storyService: StoryService) {}

  @Query(() => Story, { nullable: true, description: 'One story by its ID; null when there is none.' })
  story(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'The story’s global ID.' }) id: string) {
    return this.storyService.find(ctx, fromGlobalIdOfType(id, 'Story'));
  }

  @Query(() => StoryConnection, { description: 'Stories matching a filter, most recently active (latest article) first.' })
  async stories(
    @Ctx() ctx: Context,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => StoryFilter, { nullable: true, description: 'Conditions every returned story meets.' }) filter?: StoryFilter,
  ) {
    const criteria = criteriaOf(filter);
    const { page, connection } = relayPage(args, storyCursor, 'stories');
    return connection(await this.storyService.list(ctx, criteria, page), (row: StoryRecord) => ({ lastPublishedAt: row.lastPublishedAt, id: row.dbId }));
  }

  @FieldResolver(() => ArticleConnection, { description: 'The story’s articles, earliest published first, copies included.' })
  async articles(@Root() story: StoryRecord, @Ctx() ctx: Context, @Args() args: ConnectionArgs) {
    const { page, connection } = relayPage(args, timeIdCursor, 'story-articles');
    return connection(await this.storyService.articles(ctx, story, page), (row: ArticleRecord) => ({ publishedAt: row.publishedAt, id: row.dbId }));
  }

  @FieldResolver(() => [Source], { description: 'The outlets that published its articles, in order of their first article.' })
  sources(@Root() story: StoryRecord, @Ctx() ctx: Context) {
    return this.storyService.sources(ctx, story);
  }

  @FieldResolver(() => [Person], { description: 'The people its articles name, those named by the most articles first.' })
  people(@Root() story: StoryRecord, @Ctx() ctx: Context) {
    return this.storyService.people(ctx, story);
  }

  @FieldResolver(() => [String], { description: 'The languages of its articles (BCP 47 tags), the most used first.' })
  languages(@Root() story: StoryRecord, @Ctx() ctx: Context) {
    return this.storyService.languages(ctx, story);
  }

  @FieldResolver(() => [StoryLink], { description: 'What tied each article to the story, one entry per article in publication order.' })
  why(@Root() story: StoryRecord, @Ctx() ctx: Context) {
    return this.storyService.why(ctx, story);
  }
}

@Resolver(() => StoryLink)
export class StoryLinkResolver {
  @FieldResolver(() => Article, { nullable: true, description: 'The article this entry explains.' })
  article(@Root() link: StoryLinkRecord, @Ctx() ctx: Context) {
    return ctx.loaders.articleById.load(link.articleId);
  }

  @FieldResolver(() => Article, { nullable: true, description: 'The article it was tied to when stored; null when it started the story.' })
  linkedTo(@Root() link: StoryLinkRecord, @Ctx() ctx: Context) {
    return link.linkedToId ? ctx.loaders.articleById.load(link.linkedToId) : null;
  }

  @FieldResolver(() => [Person], { description: 'People both articles name (through script-aware aliases: পুতিন and Putin are one person).' })
  async sharedPeople(@Root() link: StoryLinkRecord, @Ctx() ctx: Context) {
    return (await ctx.loaders.personById.loadMany(link.sharedPersonIds)).filter((person) => person && !(person instanceof Error));
  }

  @FieldResolver(() => [Source], { description: 'Outlets both articles cite, or that one credits as the other’s publisher.' })
  async sharedSources(@Root() link: StoryLinkRecord, @Ctx() ctx: Context) {
    return (await ctx.loaders.sourceById.loadMany(link.sharedSourceIds)).filter((source) => source && !(source instanceof Error));
  }
}

/** Article.story, Article.canonical, Article.duplicates, Article.carriedBy: they live with the stories. */
@Resolver(() => Article)
export class ArticleStoryResolver {
  constructor(private readonly stories: StoryService) {}

  @FieldResolver(() => Story, { nullable: true, description: 'The story the article belongs to; null for articles stored before stories existed that nothing new has joined.' })
  story(@Root() article: ArticleRecord, @Ctx() ctx: Context) {
    return this.stories.ofArticle(ctx, article);
  }

  @FieldResolver(() => StoryLink, { nullable: true, description: 'Why the article is in its story: the article it was tied to and what they share.' })
  storyLink(@Root() article: ArticleRecord, @Ctx() ctx: Context) {
    return this.stories.storyLink(ctx, article);
  }

  @FieldResolver(() => Article, {
    description:
      'The canonical copy of this text: the original publisher’s when a copy credits it, otherwise the earliest published. The article itself when it is the canonical copy or has no copies.',
  })
  canonical(@Root() article: ArticleRecord, @Ctx() ctx: Context) {
    return this.stories.canonical(ctx, article);
  }

  @FieldResolver(() => [Article], { description: 'The other copies of this text (syndicated or near-identical, from any outlet), the canonical one first, then earliest first.' })
  duplicates(@Root() article: ArticleRecord, @Ctx() ctx: Context) {
    return this.stories.duplicates(ctx, article);
  }

  @FieldResolver(() => [Source], {
    description: 'Every outlet that carried this text: the canonical copy’s publisher first, then the publishers of its copies and the outlets whose feeds list it.',
  })
  carriedBy(@Root() article: ArticleRecord, @Ctx() ctx: Context) {
    return this.stories.carriedBy(ctx, article);
  }
}
