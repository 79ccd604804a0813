import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CacheHint } from '../cache/cache-hints';
import type { GraphQLContext } from '../graphql/context';
import { ConnectionArgs, relayPage } from '../graphql/relay/connection';
import { timeIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType, slugOrGlobalId, toGlobalId, type NodeTypeName } from '../graphql/relay/global-id';
import type { EntityRef } from './feed-filter.service';
import { savedFeedPath, type SavedFeedRecord } from './saved-feed.record';
import { SavedFeedService, type SavedFeedContext } from './saved-feed.service';
import { CreateSavedFeedInput, DeleteSavedFeedPayload, SAVED_FEED_LIMIT_TEXT, SavedFeed, SavedFeedConnection, SavedFeedFilter } from './saved-feed.types';

type Context = GraphQLContext<SavedFeedContext['loaders']>;

/** Saved feeds: a partner key's own (every one for admins); anonymous callers get UNAUTHENTICATED. */
@Resolver(() => SavedFeed)
export class SavedFeedResolver {
  constructor(private readonly savedFeedService: SavedFeedService) {}

  // The caller's own list: never cached or shared.
  @CacheHint(0)
  @Query(() => SavedFeedConnection, {
    description: 'The saved feeds of the calling partner key, newest first; an admin sees every key’s. Needs a key (UNAUTHENTICATED without).',
  })
  async savedFeeds(@Ctx() ctx: Context, @Args() args: ConnectionArgs) {
    const { page, connection } = relayPage(args, timeIdCursor, 'saved-feed');
    return connection(await this.savedFeedService.list(ctx, page), (row) => ({ publishedAt: row.createdAt, id: row.dbId }));
  }

  @Mutation(() => SavedFeed, {
    description: `Saves a filter of the latest headlines as a feed of the calling partner key (an admin’s has no owner and is public). ${SAVED_FEED_LIMIT_TEXT}`,
  })
  createSavedFeed(@Ctx() ctx: Context, @Arg('input', () => CreateSavedFeedInput, { description: 'Its name and filter.' }) input: CreateSavedFeedInput) {
    const filter = input.filter ?? {};
    return this.savedFeedService.create(ctx, {
      name: input.name,
      filter: {
        sourceIds: refs(filter.sourceIds, 'Source', 'input.filter.sourceIds'),
        personIds: refs(filter.personIds, 'Person', 'input.filter.personIds'),
        language: filter.language,
        search: filter.search,
      },
    });
  }

  @Mutation(() => DeleteSavedFeedPayload, { description: 'Deletes one of the calling key’s saved feeds (any, for an admin); its URLs answer 404 from then on.' })
  async deleteSavedFeed(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'The saved feed’s ID.' }) id: string): Promise<DeleteSavedFeedPayload> {
    await this.savedFeedService.delete(ctx, fromGlobalIdOfType(id, 'SavedFeed', 'id'));
    return { savedFeedId: id };
  }

  @CacheHint(0)
  @FieldResolver(() => SavedFeedFilter, { description: 'The filter, as stored: sources and people by global ID, the canonical language tag.' })
  filter(@Root() feed: SavedFeedRecord): SavedFeedFilter {
    return {
      sourceIds: feed.sourceIds.map((id) => toGlobalId('Source', id)),
      personIds: feed.personIds.map((id) => toGlobalId('Person', id)),
      language: feed.language,
      search: feed.search,
    };
  }

  @CacheHint(0)
  @FieldResolver(() => String, { description: 'Its RSS 2.0 feed (absolute URL). Partners add `?key=<key>` (or send X-Api-Key); admin-made feeds are public.' })
  rssUrl(@Root() feed: SavedFeedRecord, @Ctx() ctx: Context): string {
    return url(ctx, feed, 'rss');
  }

  @CacheHint(0)
  @FieldResolver(() => String, { description: 'Its Atom 1.0 feed (absolute URL), read as `rssUrl` is.' })
  atomUrl(@Root() feed: SavedFeedRecord, @Ctx() ctx: Context): string {
    return url(ctx, feed, 'atom');
  }

  @CacheHint(0)
  @FieldResolver(() => String, { description: 'Its JSON Feed 1.1 (absolute URL), read as `rssUrl` is.' })
  jsonUrl(@Root() feed: SavedFeedRecord, @Ctx() ctx: Context): string {
    return url(ctx, feed, 'json');
  }
}

function url(ctx: Context, feed: SavedFeedRecord, format: 'rss' | 'atom' | 'json'): string {
  return `${ctx.baseUrl ?? ''}${savedFeedPath(toGlobalId('SavedFeed', feed.dbId), format)}`;
}

function refs(values: readonly string[] | null | undefined, type: NodeTypeName, argument: string): EntityRef[] {
  return (values ?? []).map((value) => slugOrGlobalId(value.normalize('NFC').trim(), type, argument));
}
