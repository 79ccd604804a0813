import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { ConnectionType } from '../graphql/relay/connection';
import { Node } from '../graphql/relay/node';
import { Person } from '../person/person.types';
import { ArticleOrder, type ArticleRecord } from './article.record';
import { CACHE_SECONDS, CacheHint } from '../cache/cache-hints';

export { ArticleOrder };
export type { ArticleRecord } from './article.record';

registerEnumType(ArticleOrder, {
  name: 'ArticleOrder',
  description: 'Order of an article list.',
  valuesConfig: {
    NEWEST_FIRST: { description: 'Most recently published first (the default).' },
    OLDEST_FIRST: { description: 'Earliest published first.' },
  },
});

@CacheHint(CACHE_SECONDS.catalog)
@ObjectType('Article', { implements: Node, simpleResolvers: true, description: 'A news article as its publisher printed it.' })
export class Article implements Node, Omit<ArticleRecord, 'prefetched'> {
  @Field(() => ID, { description: 'Globally unique, opaque ID.' })
  id!: string;

  dbId!: string;
  sourceId!: string;

  @Field({ description: 'Readable, unique, URL-safe identifier, transliterated to ASCII whatever the script of the title.' })
  slug!: string;

  @Field({ description: 'Canonical URL of the article at its publisher (tracking parameters and fragment removed).' })
  url!: string;

  @Field({ description: 'Headline.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'Standfirst or summary, when the publisher gives one.' })
  summary!: string | null;

  @Field(() => [String], { description: 'The body: plain-text paragraphs, in order.' })
  paragraphs!: string[];

  @Field(() => String, { nullable: true, description: 'Language of the article, as a BCP 47 tag (`bn`, `en`, `ar`, `zh-Hans`).' })
  language!: string | null;

  @Field(() => GraphQLDateTime, { description: 'When the article was first published.' })
  publishedAt!: Date;

  @Field(() => GraphQLDateTime, { description: 'When the article last changed (its publication time if never).' })
  updatedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Lead image URL.' })
  imageUrl!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The byline exactly as printed, even when it names nobody we know (initials such as `এসএস/এসএন`).',
  })
  byline!: string | null;
}

@CacheHint(CACHE_SECONDS.catalog)
@ObjectType('ArticleRevision', { simpleResolvers: true, description: 'One stored version of an article: the first as stored, then one for each change of its text or metadata.' })
export class ArticleRevision {
  @Field(() => GraphQLDateTime, { description: 'When this version was stored.' })
  at!: Date;

  @Field({ description: 'SHA-256 (hex) of the version’s title and body: two versions with the same hash have the same text.' })
  contentHash!: string;

  @Field(() => [String], {
    description:
      'The fields this version changed, by their names in this API (`title`, `summary`, `paragraphs`, `language`, `publishedAt`, `imageUrl`, `byline`), sorted; empty for the first version.',
  })
  changedFields!: string[];
}

@CacheHint(CACHE_SECONDS.catalog)
@ObjectType('ArticleProvenance', { simpleResolvers: true, description: 'Where and when an article was fetched, and how its stored text changed.' })
export class ArticleProvenance {
  @Field(() => GraphQLDateTime, { description: 'When the article was first stored.' })
  firstSeenAt!: Date;

  @Field(() => GraphQLDateTime, {
    nullable: true,
    description: 'The last fetch (of its feed or its page) that carried the article; null for articles never fetched (the bundled sample, demo data).',
  })
  lastFetchedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Where the stored text was fetched from: the article page when its body was taken from there, otherwise the feed, with user info and secret-bearing query parameters (`key`, `token`, `api_key`, …) removed. Null for articles never fetched.',
  })
  fetchedFrom!: string | null;

  @Field(() => [ArticleRevision], {
    description: 'Stored versions, oldest first (at most the latest 100): a fetch that finds the same content stores none, so a publisher’s correction shows here.',
  })
  revisions!: ArticleRevision[];
}

@CacheHint(CACHE_SECONDS.catalog)
@ObjectType('Mention', { simpleResolvers: true, description: 'A person named in an article, and how often.' })
export class Mention {
  @Field(() => Person, { description: 'The person named.' })
  person!: Person;

  @Field(() => Int, { description: 'How many times the article names the person, inflected forms included.' })
  count!: number;
}

@InputType('ArticleFilter', { description: 'Narrows an article list; every given condition must hold.' })
export class ArticleFilter {
  @Field(() => [ID], { nullable: true, description: 'Only articles published by one of these sources.' })
  sourceIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only articles written by or mentioning one of these people.' })
  personIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Only articles in this language: a BCP 47 tag, matched by whole subtags either way and in any case (`bn` finds `bn-BD`; `bn-BD` finds `bn`; `zh-Hans` finds `zh` and `zh` finds `zh-Hans`, never `zha`).' })
  language?: string | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Only articles published at or after this time.' })
  publishedAfter?: Date | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Only articles published before this time.' })
  publishedBefore?: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Full-text search of title, summary and body, in any language and script: words match by prefix and, for inflected forms (পুতিনের, Putin’s), by trigram similarity. A search that is the name or an alias of a person or an outlet, in any script and inflected as ingestion reads names (`Putin`, `Путин`, `পুতিনের`), also finds the articles that mention that person or cite that outlet, whatever their language. Normalised exactly as stored text is. Ranks the list: title and name matches before summary- or body-only matches.',
  })
  search?: string | null;
}

export const ArticleConnection = ConnectionType(Article, 'Article', 'articles');
