import { GraphQLDateTime } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { CACHE_SECONDS, CacheHint } from '../cache/cache-hints';
import { ConnectionType } from '../graphql/relay/connection';
import { Node } from '../graphql/relay/node';
import type { StoryRecord } from './story.record';

@CacheHint(CACHE_SECONDS.headlines)
@ObjectType('Story', {
  implements: Node,
  simpleResolvers: true,
  description:
    'One event as every outlet reported it: articles from different outlets, in any language and script, grouped as they are stored (see `why` for what tied each one).',
})
export class Story implements Node, StoryRecord {
  @Field(() => ID, { description: 'Globally unique, opaque ID.' })
  id!: string;

  dbId!: string;

  @Field({ description: 'The headline of the story’s earliest article.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'The summary of the story’s earliest article, when it has one.' })
  summary!: string | null;

  @Field(() => GraphQLDateTime, { description: 'When its earliest article was published.' })
  firstPublishedAt!: Date;

  @Field(() => GraphQLDateTime, { description: 'When its latest article was published: stories are listed most recently active first.' })
  lastPublishedAt!: Date;

  @Field(() => Int, { description: 'How many articles it holds, copies included.' })
  articleCount!: number;
}

@CacheHint(CACHE_SECONDS.headlines)
@ObjectType('StoryLink', { simpleResolvers: true, description: 'Why an article is in its story: the article it was tied to when stored, and what the two share.' })
export class StoryLink {
  articleId!: string;
  linkedToId!: string | null;
  canonicalId!: string | null;

  @Field(() => Float, {
    description:
      'The pair’s score (1 for a copy of the same text): 0.5 for two or more shared people (0.2 for one), 0.1 when one credits the other’s outlet, up to 0.5 for text similarity in one script, up to 0.1 for nearness in time (nothing links beyond 72 hours); 0.5 or more joins. 0 for the article that started the story.',
  })
  score!: number;

  @Field({ description: 'Whether the article is a copy of the other (the same text, allowing small edits).' })
  duplicate!: boolean;

  @Field(() => Float, { description: 'Estimated Jaccard similarity of the two texts’ words (0 across scripts).' })
  textSimilarity!: number;

  @Field(() => Float, { nullable: true, description: 'Hours between the two publications; null for the article that started the story.' })
  hoursApart!: number | null;

  sharedPersonIds!: string[];
  sharedSourceIds!: string[];
}

@InputType('StoryFilter', { description: 'Narrows a story list; every given condition must hold.' })
export class StoryFilter {
  @Field(() => String, {
    nullable: true,
    description:
      'Only stories with an article in this language: a BCP 47 tag, matched as `articles(filter: { language })` matches it, by whole subtags either way and in any case (`bn` finds `bn-BD`; `bn-BD` finds `bn`; `zh-Hans` finds `zh` and `zh` finds `zh-Hans`, never `zha`).',
  })
  language?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Only stories with an article published by one of these sources.' })
  sourceIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only stories with an article naming one of these people.' })
  personIds?: string[] | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Only stories whose latest article was published at or after this time.' })
  publishedAfter?: Date | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Only stories whose earliest article was published before this time.' })
  publishedBefore?: Date | null;
}

export const StoryConnection = ConnectionType(Story, 'Story', 'stories');

