import { BadUserInputError, NotFoundError } from '../common/errors/domain-errors';
import { normalizeLanguageFilter } from '../common/input-normalizers';
import type { ServiceContext } from '../common/request-context';
import type { PersonLoaders } from '../person/person.loaders';
import type { PersonRecord } from '../person/person.record';
import type { PersonService } from '../person/person.service';
import type { SourceLoaders } from '../source/source.loaders';
import type { SourceRecord } from '../source/source.record';
import type { SourceService } from '../source/source.service';
import type { FeedItemFilter } from './feed-item.service';

/** A source or person as a feed filter names it: by database id (from a global ID) or by slug. */
export type EntityRef = { id: string } | { slug: string };

/** How many sources, and how many people, one feed filter may name. */
export const MAX_FEED_FILTER_ENTITIES = 20;

/**
 * A feed filter as callers give it (the latest feeds' query parameters, a saved feed's input):
 * the sources and people by reference, a language tag and a search text, each with the argument
 * name its errors report.
 */
export interface FeedFilterInput {
  sources: { refs: readonly EntityRef[]; argument: string };
  people: { refs: readonly EntityRef[]; argument: string };
  language: { value: string | null | undefined; argument: string };
  search: string | null | undefined;
}

/** A feed filter checked and resolved: what the feed items are filtered by, and what it names. */
export interface ResolvedFeedFilter {
  filter: FeedItemFilter;
  sources: SourceRecord[];
  people: PersonRecord[];
  /** The canonical BCP 47 tag, or null. */
  language: string | null;
  /** NFC and trimmed, or null when empty. */
  search: string | null;
}

export type FeedFilterContext = ServiceContext<SourceLoaders & PersonLoaders>;

/**
 * The one normaliser of feed filters: `/feeds/latest.*`' query parameters and a saved feed's
 * filter go through it, so both accept and refuse the same things the same way: an unknown
 * source or person is NOT_FOUND, a malformed language tag BAD_USER_INPUT (lengths are checked
 * before, by the same table as every GraphQL argument: src/common/input-limits.ts).
 */
export class FeedFilterService {
  constructor(
    private readonly sources: SourceService,
    private readonly people: PersonService,
  ) {}

  async resolve(ctx: FeedFilterContext, input: FeedFilterInput): Promise<ResolvedFeedFilter> {
    for (const list of [input.sources, input.people]) {
      if (list.refs.length > MAX_FEED_FILTER_ENTITIES) {
        throw new BadUserInputError(`"${list.argument}" takes at most ${MAX_FEED_FILTER_ENTITIES} entries.`, { argument: list.argument, maxItems: MAX_FEED_FILTER_ENTITIES });
      }
    }
    const [sources, people] = await Promise.all([
      Promise.all(input.sources.refs.map((ref) => this.sources.find(ctx, ref))),
      Promise.all(input.people.refs.map((ref) => this.people.find(ctx, ref))),
    ]);
    if (sources.some((s) => !s)) throw new NotFoundError('No source has this slug or ID.', { argument: input.sources.argument });
    if (people.some((p) => !p)) throw new NotFoundError('No person has this slug or ID.', { argument: input.people.argument });
    const foundSources = unique(sources as SourceRecord[]);
    const foundPeople = unique(people as PersonRecord[]);
    const language = input.language.value ? normalizeLanguageFilter(input.language.value, input.language.argument) : null;
    const search = input.search ? input.search.normalize('NFC').trim() || null : null;

    const filter: FeedItemFilter = {};
    // One source is the sidebar's own condition (and its index); several, a list.
    if (foundSources.length === 1) filter.sourceId = foundSources[0]!.dbId;
    else if (foundSources.length > 1) filter.sourceIds = foundSources.map((s) => s.dbId);
    if (foundPeople.length > 0) filter.personIds = foundPeople.map((p) => p.dbId);
    if (language) filter.language = language;
    if (search) filter.search = search;
    return { filter, sources: foundSources, people: foundPeople, language, search };
  }
}

function unique<T extends { dbId: string }>(records: T[]): T[] {
  const seen = new Set<string>();
  return records.filter((r) => !seen.has(r.dbId) && seen.add(r.dbId));
}
