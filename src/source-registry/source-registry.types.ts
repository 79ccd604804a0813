import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { FetchState } from '../source/fetch-state';
import { SourceKind } from '../source/source.entity';
import { Source } from '../source/source.types';

registerEnumType(FetchState, {
  name: 'FetchState',
  description: 'Whether a followed source is fetched on its schedule.',
  valuesConfig: {
    ACTIVE: { description: 'Fetched every `fetchIntervalMinutes`.' },
    PAUSED: { description: 'Paused by an admin (`updateSource(input: { paused: true })`).' },
    FAILING: { description: 'Paused after too many consecutive failed fetches; `lastError` says why. Resume with `updateSource(input: { paused: false })`.' },
  },
});

// Admin data: no cache hint, so no cache keeps it (the cache-control default is no-store).
@ObjectType('FeedFetchStatus', { simpleResolvers: true, description: 'One feed of a followed source and how its last fetch went.' })
export class FeedFetchStatus {
  @Field({ description: 'The feed’s URL.' })
  url!: string;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When the feed was last fetched; null before its first fetch.' })
  lastFetchedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last response (304: not modified); null when there was none (refused, timed out).' })
  lastStatus!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last fetch failed, with its error code (`TIMEOUT: …`, `BLOCKED_ADDRESS: …`, `MALFORMED: …`); null after a success.' })
  lastError!: string | null;

  @Field(() => Int, { description: 'Items the feed held at its last successful parse.' })
  itemsSeen!: number;
}

@ObjectType('SourceFetchStatus', { simpleResolvers: true, description: 'The schedule and fetch history of a followed source (admin only).' })
export class SourceFetchStatus {
  @Field(() => FetchState, { description: 'Whether the source is fetched on its schedule.' })
  state!: FetchState;

  @Field(() => Int, { description: 'Minutes between fetches.' })
  intervalMinutes!: number;

  @Field(() => String, { nullable: true, description: 'IANA time zone for dates the source writes without one; null means UTC.' })
  timeZone!: string | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When the last fetch started; null before the first.' })
  lastFetchedAt!: Date | null;

  @Field(() => GraphQLDateTime, {
    nullable: true,
    description: 'When the last fetch started; null before the first.',
    deprecationReason: 'Use `lastFetchedAt`, the name `FeedFetchStatus` gives the same time.',
  })
  lastFetchAt!: Date | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When a fetch last succeeded (304 included).' })
  lastSuccessAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the last fetch failed, per feed; null after a full success.' })
  lastError!: string | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When that error happened.' })
  lastErrorAt!: Date | null;

  @Field(() => GraphQLDateTime, { description: 'When the next scheduled fetch is due (not while paused).' })
  nextRunAt!: Date;

  @Field(() => Int, { description: 'Failed fetches in a row; the source is paused (FAILING) after FETCH_PAUSE_AFTER_FAILURES.' })
  consecutiveFailures!: number;

  @Field(() => Int, { description: 'Items the last successful fetch found across the source’s feeds.' })
  itemsSeen!: number;

  @Field(() => Int, { description: 'Items every fetch since the source was added has found, summed.' })
  itemsSeenTotal!: number;

  @Field({ description: 'Whether a worker is fetching the source right now.' })
  running!: boolean;

  @Field(() => [FeedFetchStatus], { description: 'Each feed, in order.' })
  feeds!: FeedFetchStatus[];
}

@ObjectType('FeedRun', { simpleResolvers: true, description: 'One feed in one fetch of a source.' })
export class FeedRun {
  @Field({ description: 'The feed’s URL.' })
  url!: string;

  @Field({ description: '`stored`, `not-modified` (304) or `failed`.' })
  outcome!: string;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the response, if there was one.' })
  httpStatus!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the feed failed, with its error code.' })
  error!: string | null;

  @Field(() => Int, { description: 'Items the feed held.' })
  itemsSeen!: number;
}

@ObjectType('SourceRun', { simpleResolvers: true, description: 'What one fetch of a source did.' })
export class SourceRun {
  @Field({ description: '`succeeded`, `partial` (some feeds failed) or `failed`.' })
  outcome!: string;

  @Field(() => GraphQLDateTime, { description: 'When the fetch started.' })
  startedAt!: Date;

  @Field(() => Int, { description: 'How long it took, in milliseconds.' })
  durationMs!: number;

  @Field(() => [FeedRun], { description: 'Each feed’s outcome.' })
  feeds!: FeedRun[];

  @Field(() => Int, { description: 'Items found across the feeds.' })
  itemsSeen!: number;

  @Field(() => Int, { description: 'Articles stored for the first time.' })
  articlesCreated!: number;

  @Field(() => Int, { description: 'Stored articles whose content changed.' })
  articlesUpdated!: number;

  @Field(() => Int, { description: 'Stored articles that arrived again unchanged.' })
  articlesUnchanged!: number;

  @Field(() => Int, { description: 'Headlines written (new or changed).' })
  feedItemsWritten!: number;

  @Field(() => Int, { description: 'People created from bylines.' })
  peopleCreated!: number;

  @Field(() => Int, { description: 'Article pages fetched.' })
  pagesFetched!: number;

  @Field(() => String, { nullable: true, description: 'Why feeds failed, if any did.' })
  error!: string | null;
}

@ObjectType('RefreshSourcePayload', { simpleResolvers: true, description: 'The result of `refreshSource`.' })
export class RefreshSourcePayload {
  @Field(() => Source, { description: 'The source, with its updated `fetchStatus`.' })
  source!: Source;

  @Field(() => SourceRun, { description: 'What the fetch did.' })
  run!: SourceRun;
}

@ObjectType('RemoveSourcePayload', { simpleResolvers: true, description: 'The result of `removeSource`.' })
export class RemoveSourcePayload {
  @Field(() => ID, { description: 'The removed source’s ID.' })
  sourceId!: string;

  @Field({ description: 'Whether the source was deleted with its articles (`purge: true`) rather than only unfollowed.' })
  purged!: boolean;

  @Field(() => Int, { description: 'Articles deleted with the source (0 unless purged).' })
  articlesDeleted!: number;
}

@InputType('AddSourceInput', { description: 'A source to follow. Give `feedUrls`, or a `homepageUrl` whose page links to its feeds.' })
export class AddSourceInput {
  @Field(() => String, { nullable: true, description: 'The outlet’s name as it writes it; taken from the page or feed when omitted.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Home page URL; without `feedUrls`, its `<link rel="alternate">` feeds are used.' })
  homepageUrl?: string | null;

  @Field(() => [String], { nullable: true, description: 'RSS, Atom, RDF or JSON Feed URLs (at most 20).' })
  feedUrls?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Main language, a BCP 47 tag (`bn`): used for items that state none.' })
  language?: string | null;

  @Field(() => Int, { nullable: true, description: 'Minutes between fetches (1 to 43200); FETCH_INTERVAL_DEFAULT_MINUTES when omitted.' })
  fetchIntervalMinutes?: number | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone for dates written without one (`Asia/Dhaka`); UTC when omitted.' })
  timeZone?: string | null;

  @Field(() => String, { nullable: true, description: 'Country, ISO 3166-1 alpha-2 (`BD`).' })
  country?: string | null;

  @Field(() => SourceKind, { nullable: true, description: 'What kind of outlet it is; PUBLISHER when omitted.' })
  kind?: SourceKind | null;
}

@InputType('UpdateSourceInput', { description: 'Changes to a source; omitted fields stay as they are.' })
export class UpdateSourceInput {
  @Field(() => String, { nullable: true, description: 'New name (the slug stays).' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New home page URL.' })
  homepageUrl?: string | null;

  @Field(() => [String], { nullable: true, description: 'The feeds, replacing the current list (kept feeds keep their conditional-GET state). On a source not followed yet, starts following it.' })
  feedUrls?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Main language, a BCP 47 tag.' })
  language?: string | null;

  @Field(() => Int, { nullable: true, description: 'Minutes between fetches (1 to 43200).' })
  fetchIntervalMinutes?: number | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone for dates written without one.' })
  timeZone?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true pauses scheduled fetches; false resumes them (also after FAILING) and makes the source due now.' })
  paused?: boolean | null;
}
