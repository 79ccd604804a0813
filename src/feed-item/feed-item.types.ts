import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { ConnectionType } from '../graphql/relay/connection';
import { Node } from '../graphql/relay/node';
import { CACHE_SECONDS, CacheHint } from '../cache/cache-hints';
import type { FeedItemRecord } from './feed-item.record';

export type { FeedItemRecord } from './feed-item.record';

@CacheHint(CACHE_SECONDS.headlines)
@ObjectType('FeedItem', {
  implements: Node,
  simpleResolvers: true,
  description: 'One headline in a source’s "latest" feed: the sidebar every news page carries.',
})
export class FeedItem implements Node, FeedItemRecord {
  @Field(() => ID, { description: 'Globally unique, opaque ID.' })
  id!: string;

  dbId!: string;
  sourceId!: string;
  articleId!: string | null;

  @Field({ description: 'The headline as the source printed it.' })
  headline!: string;

  @Field(() => String, { nullable: true, description: 'Link to the story; null when the page showed the headline without one.' })
  url!: string | null;

  @Field(() => String, { nullable: true, description: 'Thumbnail image URL, when the feed gives one.' })
  imageUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Language of the headline, as a BCP 47 tag.' })
  language!: string | null;

  @Field(() => GraphQLDateTime, { description: 'When the story was published, as the feed dates it.' })
  publishedAt!: Date;

  @Field(() => Int, { description: 'Place in the feed as the source published it, from 1 at the top.' })
  position!: number;
}

export const FeedItemConnection = ConnectionType(FeedItem, 'FeedItem', 'feed items');
