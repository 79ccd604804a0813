import { BadUserInputError, ConflictError, NotFoundError, UnauthenticatedError } from '../common/errors/domain-errors';
import { INPUT_LIMITS } from '../common/input-limits';
import type { Caller } from '../common/request-context';
import type { KeysetPage, RowsPage, TimeIdKey } from '../db/keyset';
import { normalizeText } from '../text/normalize';
import type { EntityRef, FeedFilterContext, FeedFilterService } from './feed-filter.service';
import type { SavedFeedRecord } from './saved-feed.record';
import type { SavedFeedOwnerScope, SavedFeedRepository } from './saved-feed.repository';

/** Saved feeds one partner key (or the admins together) may keep; creating one more is CONFLICT. */
export const MAX_SAVED_FEEDS_PER_OWNER = 100;
/** A saved feed's name, in characters after normalisation (the same bound as every `name`). */
const MAX_SAVED_FEED_NAME = INPUT_LIMITS.name.maxLength;

/** A saved feed to create, as the mutation takes it: sources and people already read as references. */
export interface NewSavedFeed {
  name: string;
  filter: {
    sourceIds?: readonly EntityRef[] | null;
    personIds?: readonly EntityRef[] | null;
    language?: string | null;
    search?: string | null;
  };
}

export type SavedFeedContext = FeedFilterContext;

/**
 * Saved feeds: a partner key's filters of the latest headlines, each served as a feed of its own
 * (src/syndication). A key sees and manages only its own feeds; another key's feed is NOT_FOUND,
 * exactly like one that does not exist; admins see and manage all of them, and the feeds they
 * create have no owner. Anonymous callers have no feeds (UNAUTHENTICATED).
 */
export class SavedFeedService {
  constructor(
    private readonly savedFeeds: SavedFeedRepository,
    private readonly filters: FeedFilterService,
  ) {}

  async create(ctx: SavedFeedContext, input: NewSavedFeed): Promise<SavedFeedRecord> {
    const owner = ownerOf(ctx.viewer);
    const name = normalizeText(input.name ?? '');
    if (name.length === 0 || [...name].length > MAX_SAVED_FEED_NAME) {
      throw new BadUserInputError(`"input.name" must be 1 to ${MAX_SAVED_FEED_NAME} characters.`, { argument: 'input.name' });
    }
    const filter = input.filter ?? {};
    const resolved = await this.filters.resolve(ctx, {
      sources: { refs: filter.sourceIds ?? [], argument: 'input.filter.sourceIds' },
      people: { refs: filter.personIds ?? [], argument: 'input.filter.personIds' },
      language: { value: filter.language, argument: 'input.filter.language' },
      search: filter.search,
    });
    const created = await this.savedFeeds.insertWithin(
      {
        ownerKeyId: owner,
        name,
        sourceIds: resolved.sources.map((s) => s.dbId),
        personIds: resolved.people.map((p) => p.dbId),
        language: resolved.language,
        search: resolved.search,
      },
      MAX_SAVED_FEEDS_PER_OWNER,
    );
    if (!created) {
      throw new ConflictError(`A key may keep at most ${MAX_SAVED_FEEDS_PER_OWNER} saved feeds; delete one first.`, {
        reason: 'SAVED_FEED_LIMIT',
        limit: MAX_SAVED_FEEDS_PER_OWNER,
      });
    }
    return created;
  }

  /** The caller's feeds (every feed for admins), newest first. */
  async list(ctx: SavedFeedContext, page: KeysetPage<TimeIdKey>): Promise<RowsPage<SavedFeedRecord>> {
    const scope = scopeOf(ctx.viewer);
    return { rows: await this.savedFeeds.list(scope, page), total: () => this.savedFeeds.count(scope) };
  }

  /** A feed the caller may see, or null (`node(id:)`): another key's feed is as absent as a missing one. */
  async find(ctx: SavedFeedContext, id: string): Promise<SavedFeedRecord | null> {
    if (ctx.viewer.kind === 'anonymous') return null;
    const feed = await this.savedFeeds.findById(id);
    return feed && visibleTo(feed, ctx.viewer) ? feed : null;
  }

  async delete(ctx: SavedFeedContext, id: string): Promise<SavedFeedRecord> {
    ownerOf(ctx.viewer);
    const feed = await this.savedFeeds.findById(id);
    if (!feed || !visibleTo(feed, ctx.viewer)) throw notFound();
    const deleted = await this.savedFeeds.delete(id);
    if (!deleted) throw notFound();
    return deleted;
  }

  /**
   * The feed `/feeds/saved/<id>` serves to this caller. Its owner's key (as `X-Api-Key` or `?key=`)
   * or the admin token reads a partner's feed; a feed an admin saved is public, like the latest
   * feeds. A feed whose key was revoked is served to nobody: it is NOT_FOUND, as a deleted one.
   * Anonymous callers asking for anything but a public feed are UNAUTHENTICATED, whether or not
   * the id exists.
   */
  async forServing(caller: Caller, id: string): Promise<SavedFeedRecord> {
    const feed = await this.savedFeeds.findById(id);
    const isPublic = feed !== null && feed.ownerKeyId === null;
    if (caller.kind === 'anonymous' && !isPublic) {
      throw new UnauthenticatedError('A saved feed is read with its partner key: add ?key=<key> to its URL, or send X-Api-Key.');
    }
    if (!feed || feed.ownerRevoked || !(isPublic || visibleTo(feed, caller))) throw notFound();
    return feed;
  }
}

function notFound(): NotFoundError {
  return new NotFoundError('No saved feed has this ID.', { argument: 'id' });
}

/** The owner a caller's new feeds get: its key, or null for an admin; anonymous callers have none. */
function ownerOf(caller: Caller): string | null {
  if (caller.kind === 'partner') return caller.id;
  if (caller.kind === 'admin') return null;
  throw new UnauthenticatedError('Saved feeds belong to a partner key: send it as X-Api-Key (or the admin token).');
}

function scopeOf(caller: Caller): SavedFeedOwnerScope {
  const owner = ownerOf(caller);
  return owner === null ? 'all' : { ownerKeyId: owner };
}

function visibleTo(feed: SavedFeedRecord, caller: Caller): boolean {
  if (caller.kind === 'admin') return true;
  return caller.kind === 'partner' && feed.ownerKeyId === caller.id;
}
