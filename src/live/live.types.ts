import { Field, ID, InputType } from 'type-graphql';

@InputType('FeedItemAddedFilter', { description: 'Which new headlines a `feedItemAdded` subscription receives; every given condition must hold (as in `latestFeed`).' })
export class FeedItemAddedFilter {
  @Field(() => [ID], { nullable: true, description: 'Only headlines of one of these sources.' })
  sourceIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only headlines whose article was written by or mentions one of these people.' })
  personIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Only headlines in this language (BCP 47 tag; `bn` also matches `bn-BD`).' })
  language?: string | null;
}

@InputType('ArticlePublishedFilter', { description: 'Which new articles an `articlePublished` subscription receives; every given condition must hold (as in `articles(filter:)`).' })
export class ArticlePublishedFilter {
  @Field(() => [ID], { nullable: true, description: 'Only articles published by one of these sources.' })
  sourceIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only articles written by or mentioning one of these people.' })
  personIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Only articles in this language (BCP 47 tag; `bn` also matches `bn-BD`).' })
  language?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only articles matching this full-text search of title, summary and body (the same search as `articles(filter: { search })`).',
  })
  search?: string | null;
}
