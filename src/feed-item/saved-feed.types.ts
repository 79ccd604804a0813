import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { CacheHint } from '../cache/cache-hints';
import { ConnectionType } from '../graphql/relay/connection';
import { Node } from '../graphql/relay/node';
import { MAX_FEED_FILTER_ENTITIES } from './feed-filter.service';
import { MAX_SAVED_FEEDS_PER_OWNER } from './saved-feed.service';
import type { SavedFeedRecord } from './saved-feed.record';

// A saved feed is its partner's own: every field is uncacheable (@cacheControl(maxAge: 0)), so no
// response that holds one is ever cached or shared, `node(id:)` included (Node's hint is public).

@ObjectType('SavedFeedFilter', { simpleResolvers: true, description: 'What a saved feed holds of the latest headlines: every condition given must match.' })
export class SavedFeedFilter {
  @CacheHint(0)
  @Field(() => [ID], { description: 'Global IDs of the sources whose headlines it holds; empty: every source.' })
  sourceIds!: string[];

  @CacheHint(0)
  @Field(() => [ID], { description: 'Global IDs of people: headlines whose article is by or about one of them; empty: anyone.' })
  personIds!: string[];

  @CacheHint(0)
  @Field(() => String, { nullable: true, description: 'The language (canonical BCP 47 tag); null: every language.' })
  language!: string | null;

  @CacheHint(0)
  @Field(() => String, { nullable: true, description: 'The search, as `/feeds/latest.*?q=` takes it; null: no search.' })
  search!: string | null;
}

@ObjectType('SavedFeed', {
  implements: Node,
  simpleResolvers: true,
  description: 'A partner’s saved filter of the latest headlines, served as RSS, Atom and JSON Feed at its own URLs.',
})
export class SavedFeed implements Node, Pick<SavedFeedRecord, 'dbId' | 'name' | 'createdAt'> {
  @CacheHint(0)
  @Field(() => ID, { description: 'Globally unique, opaque ID; the feed URLs carry it.' })
  id!: string;

  dbId!: string;

  @CacheHint(0)
  @Field({ description: 'The name it was saved under: the feeds’ title.' })
  name!: string;

  @CacheHint(0)
  @Field(() => GraphQLDateTime, { description: 'When it was saved.' })
  createdAt!: Date;
}

export const SavedFeedConnection = ConnectionType(SavedFeed, 'SavedFeed', 'saved feeds');

@InputType('SavedFeedFilterInput', { description: 'The headlines a saved feed holds, checked as the latest feeds’ query parameters are.' })
export class SavedFeedFilterInput {
  @Field(() => [ID], { nullable: true, description: `Sources, each a global ID or a slug (at most ${MAX_FEED_FILTER_ENTITIES}); an unknown one is NOT_FOUND.` })
  sourceIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: `People, each a global ID or a slug (at most ${MAX_FEED_FILTER_ENTITIES}); an unknown one is NOT_FOUND.` })
  personIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'A BCP 47 language tag (`bn` also matches `bn-BD`); a malformed one is BAD_USER_INPUT.' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: 'Search text, as `/feeds/latest.*?q=` and `articles(filter: { search })` take it.' })
  search?: string | null;
}

@InputType('CreateSavedFeedInput', { description: 'A feed to save.' })
export class CreateSavedFeedInput {
  @Field({ description: 'Its name, not empty after normalisation: the feeds’ title.' })
  name!: string;

  @Field(() => SavedFeedFilterInput, { description: 'Which headlines it holds; an empty filter holds them all.' })
  filter!: SavedFeedFilterInput;
}

@ObjectType('DeleteSavedFeedPayload', { simpleResolvers: true, description: 'The result of `deleteSavedFeed`.' })
export class DeleteSavedFeedPayload {
  @Field(() => ID, { description: 'The deleted saved feed’s ID; its URLs now answer 404.' })
  savedFeedId!: string;
}

/** Documented on the mutation: how many feeds a key may keep. */
export const SAVED_FEED_LIMIT_TEXT = `A partner key may keep at most ${MAX_SAVED_FEEDS_PER_OWNER} saved feeds (CONFLICT, \`extensions.reason: SAVED_FEED_LIMIT\`, beyond).`;
