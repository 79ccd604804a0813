import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { ADMIN } from '../graphql/authorization';
import { CacheHint } from '../cache/cache-hints';
import type { GraphQLContext } from '../graphql/context';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { SourceRegistryService, type SourceRegistryContext } from './source-registry.service';
import { AddSourceInput, RefreshSourcePayload, RemoveSourcePayload, SourceFetchStatus, UpdateSourceInput } from './source-registry.types';
import type { SourceRecord } from '../source/source.record';
import { Source } from '../source/source.types';

/** The registry of followed sources: admin mutations, and the Source fields about following. */
@Resolver(() => Source)
export class SourceRegistryResolver {
  constructor(private readonly registry: SourceRegistryService) {}

  @Authorized(ADMIN)
  @Mutation(() => Source, { description: 'Follows a new source: its feeds are fetched every `fetchIntervalMinutes` (admin only).' })
  addSource(@Arg('input', () => AddSourceInput, { description: 'The source and its feeds.' }) input: AddSourceInput) {
    return this.registry.add(input);
  }

  @Authorized(ADMIN)
  @Mutation(() => Source, { description: 'Changes a source, its feeds or its schedule, or pauses and resumes it (admin only).' })
  updateSource(
    @Arg('id', () => ID, { description: 'The source’s global ID.' }) id: string,
    @Arg('input', () => UpdateSourceInput, { description: 'What to change.' }) input: UpdateSourceInput,
  ) {
    return this.registry.update(fromGlobalIdOfType(id, 'Source'), input);
  }

  @Authorized(ADMIN)
  @Mutation(() => RemoveSourcePayload, {
    description: 'Stops following a source; what it published stays served. With `purge`, deletes it with its articles (admin only).',
  })
  async removeSource(
    @Arg('id', () => ID, { description: 'The source’s global ID.' }) id: string,
    @Arg('purge', () => Boolean, { defaultValue: false, description: 'Also delete the source, its articles and headlines.' }) purge: boolean,
  ): Promise<RemoveSourcePayload> {
    const removed = await this.registry.remove(fromGlobalIdOfType(id, 'Source'), purge);
    // The payload names the source by the ID the caller gave.
    return { ...removed, sourceId: id };
  }

  @Authorized(ADMIN)
  @Mutation(() => RefreshSourcePayload, {
    description: 'Fetches the source’s feeds now and returns when done; a fetch already running elsewhere is waited for first (admin only).',
  })
  refreshSource(@Arg('id', () => ID, { description: 'The source’s global ID.' }) id: string) {
    return this.registry.refresh(fromGlobalIdOfType(id, 'Source'));
  }

  // Operational data, like fetchStatus: a feed URL can hold a private path or a token meant for
  // us. The field is non-null, so it is refused with an error (not null) for anyone but admins,
  // and @cacheControl(maxAge: 0) keeps an admin's answer out of every cache.
  @Authorized(ADMIN)
  @CacheHint(0)
  @FieldResolver(() => [String], {
    description:
      'The feeds the source is followed through (RSS, Atom, RDF, JSON Feed); empty when it is not followed (admin only: other callers get an error, and with it no source).',
  })
  feedUrls(@Root() source: SourceRecord, @Ctx() ctx: GraphQLContext<SourceRegistryContext['loaders']>) {
    return this.registry.feedUrls(ctx, source);
  }

  @Authorized(ADMIN)
  @FieldResolver(() => SourceFetchStatus, { nullable: true, description: 'Schedule and fetch history (admin only); null when the source is not followed.' })
  fetchStatus(@Root() source: SourceRecord, @Ctx() ctx: GraphQLContext<SourceRegistryContext['loaders']>) {
    return this.registry.fetchStatus(ctx, source);
  }
}
