import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError } from '../common/errors/domain-errors';
import type { GraphQLContext } from '../graphql/context';
import { selectedFields } from '../graphql/selection';
import { ConnectionArgs, relayPage, type ConnectionResult } from '../graphql/relay/connection';
import { rankedTimeIdCursor, timeIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType, type NodeTypeName } from '../graphql/relay/global-id';
import { Person } from '../person/person.types';
import type { PersonRole } from '../person/person.record';
import { Source } from '../source/source.types';
import type { RowsPage } from '../db/keyset';
import type { ArticleSelection } from './article.record';
import type { ArticleFilter as ArticleFilterValues } from './article.service';
import { ArticleService, isRankedSearch, type ArticleContext } from './article.service';
import { Article, ArticleConnection, ArticleFilter, ArticleOrder, ArticleProvenance, Mention, type ArticleRecord } from './article.types';

const NODE_PATH = ['edges', 'node'] as const;

/**
 * What a list query selects of the articles at `path` and of their relations, read from the
 * operation before execution so the relations can be loaded for the whole page at once.
 */
export function articleSelection(info: GraphQLResolveInfo, path: readonly string[]): ArticleSelection {
  return {
    fields: selectedFields(info, path),
    relations: {
      authors: selectedFields(info, [...path, 'authors']),
      mentionPeople: selectedFields(info, [...path, 'mentions', 'person']),
      citedSources: selectedFields(info, [...path, 'citedSources']),
    },
  };
}
const MAX_FILTER_IDS = 100;

/**
 * An article list's Relay arguments in `order`: the keyset page for the service, and the
 * connection of the rows it returns (cursors of one order are refused by the other).
 */
export function articlePage(args: ConnectionArgs, order: ArticleOrder) {
  const { page, connection } = relayPage(args, timeIdCursor, `articles:${order}`);
  return {
    page: { ...page, order },
    connection: (result: RowsPage<ArticleRecord>): ConnectionResult<ArticleRecord> => connection(result, (row) => ({ publishedAt: row.publishedAt, id: row.dbId })),
  };
}

/**
 * The same for a search's list, ranked (see ArticleService.list): the rank leads the order and
 * its cursors, which are of another kind than the unranked list's (each refuses the other's).
 */
function rankedArticlePage(args: ConnectionArgs, order: ArticleOrder) {
  const { page, connection } = relayPage(args, rankedTimeIdCursor, `articles:${order}:ranked`);
  return {
    page: { ...page, order, ranked: true },
    connection: (result: RowsPage<ArticleRecord>): ConnectionResult<ArticleRecord> =>
      connection(result, (row) => ({ rank: row.searchRank ?? 0, publishedAt: row.publishedAt, id: row.dbId })),
  };
}

/** The API's filter with its global ids decoded (at most MAX_FILTER_IDS each). */
function filterValues(filter: ArticleFilter | null | undefined): ArticleFilterValues {
  if (!filter) return {};
  const { sourceIds, personIds, ...rest } = filter;
  return {
    ...rest,
    sourceIds: sourceIds != null ? decodeIds(sourceIds, 'Source', 'filter.sourceIds') : null,
    personIds: personIds != null ? decodeIds(personIds, 'Person', 'filter.personIds') : null,
  };
}

export function decodeIds(ids: string[], type: NodeTypeName, argument: string): string[] {
  if (ids.length > MAX_FILTER_IDS) {
    throw new BadUserInputError(`"${argument}" takes at most ${MAX_FILTER_IDS} IDs.`, { argument });
  }
  return ids.map((id) => fromGlobalIdOfType(id, type, argument));
}

@Resolver(() => Article)
export class ArticleResolver {
  constructor(private readonly articleService: ArticleService) {}

  @Query(() => Article, { nullable: true, description: 'One article, by `id`, `slug` or `url` (pass exactly one); null when none matches.' })
  article(
    @Ctx() ctx: GraphQLContext<ArticleContext['loaders']>,
    @Arg('id', () => ID, { nullable: true, description: 'The article’s global ID.' }) id?: string,
    @Arg('slug', () => String, { nullable: true, description: 'The article’s slug.' }) slug?: string,
    @Arg('url', () => String, { nullable: true, description: 'The article’s URL at its publisher (the canonical form is looked up).' }) url?: string,
  ) {
    return this.articleService.find(ctx, { id: id != null ? fromGlobalIdOfType(id, 'Article') : id, slug, url });
  }

  @Query(() => ArticleConnection, {
    description:
      'Articles matching a filter, newest first by default, each text once: a syndicated copy is left out for its canonical copy (whose `duplicates` and `carriedBy` name the rest) unless the filter names outlets (`filter.sourceIds`: what they published, copies included). With `filter.search`, best matches come first: articles whose title matches or that mention or cite a person or outlet the search names, then those matching only in summary or body, each group in `orderBy`.',
  })
  async articles(
    @Ctx() ctx: GraphQLContext<ArticleContext['loaders']>,
    @Info() info: GraphQLResolveInfo,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => ArticleFilter, { nullable: true, description: 'Conditions every returned article meets.' }) filter?: ArticleFilter,
    @Arg('orderBy', () => ArticleOrder, { defaultValue: ArticleOrder.NEWEST_FIRST, description: 'Order of the list.' }) orderBy?: ArticleOrder,
  ) {
    const order = orderBy ?? ArticleOrder.NEWEST_FIRST;
    const { page, connection } = isRankedSearch(filter?.search) ? rankedArticlePage(args, order) : articlePage(args, order);
    return connection(await this.articleService.list(ctx, filterValues(filter), page, articleSelection(info, NODE_PATH)));
  }

  @FieldResolver(() => Source, { description: 'The publisher.' })
  source(@Root() article: ArticleRecord, @Ctx() ctx: GraphQLContext<ArticleContext['loaders']>) {
    return this.articleService.source(ctx, article);
  }

  @FieldResolver(() => [Person], { description: 'Authors named in the byline, in byline order (empty when the byline holds only initials).' })
  authors(@Root() article: ArticleRecord, @Ctx() ctx: GraphQLContext<ArticleContext['loaders']>) {
    return this.articleService.authors(ctx, article);
  }

  @FieldResolver(() => [Mention], { description: 'People the text names, most mentioned first, with counts.' })
  mentions(@Root() article: ArticleRecord, @Ctx() ctx: GraphQLContext<ArticleContext['loaders']>) {
    return this.articleService.mentions(ctx, article);
  }

  @FieldResolver(() => [Source], { description: 'Outlets the article cites as its source of information.' })
  citedSources(@Root() article: ArticleRecord, @Ctx() ctx: GraphQLContext<ArticleContext['loaders']>) {
    return this.articleService.citedSources(ctx, article);
  }

  @FieldResolver(() => ArticleProvenance, { description: 'Where and when the article was fetched, and each stored change of its text or metadata.' })
  provenance(@Root() article: ArticleRecord, @Ctx() ctx: GraphQLContext<ArticleContext['loaders']>) {
    return this.articleService.provenance(ctx, article);
  }
}

/** A source's or person's articles as a connection (their resolvers' field). */
export async function articlesOf(
  service: ArticleService,
  ctx: GraphQLContext<ArticleContext['loaders']>,
  parent: { kind: 'source'; id: string } | { kind: 'person'; id: string; role: PersonRole | null | undefined },
  order: ArticleOrder,
  args: ConnectionArgs,
): Promise<ConnectionResult<ArticleRecord>> {
  const { page, connection } = articlePage(args, order);
  return connection(parent.kind === 'source' ? await service.ofSource(ctx, parent.id, page) : await service.ofPerson(ctx, parent.id, parent.role, page));
}
