import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { CacheHint } from '../cache/cache-hints';
import { ConnectionType } from '../graphql/relay/connection';
import { Node } from '../graphql/relay/node';

export enum WebhookEvent {
  FEED_ITEM_ADDED = 'feedItemAdded',
  ARTICLE_PUBLISHED = 'articlePublished',
}

registerEnumType(WebhookEvent, {
  name: 'WebhookEvent',
  description: 'What a webhook is told of.',
  valuesConfig: {
    FEED_ITEM_ADDED: { description: 'A new headline in a source’s feed: a `feed_item.added` message per item.' },
    ARTICLE_PUBLISHED: { description: 'A new article: an `article.published` message per article.' },
  },
});

export enum WebhookDeliveryStatus {
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'How an attempt to deliver a message ended.',
  valuesConfig: {
    SUCCEEDED: { description: 'The receiver answered with a 2xx status.' },
    FAILED: { description: 'Any other status, no answer within the deadline, or an address the fetcher refuses; retried with backoff.' },
  },
});

// Webhooks are the caller's own configuration: no cache hint anywhere (no-store).
@ObjectType('WebhookFilter', { simpleResolvers: true, description: 'Which items a webhook is told of; every given condition must hold.' })
export class WebhookFilter {
  @Field(() => [ID], { description: 'Only items of these sources (global IDs); empty: any source.' })
  sourceIds!: string[];

  @Field(() => [ID], { description: 'Only items whose article is by or mentions one of these people (global IDs); empty: anyone.' })
  personIds!: string[];

  @Field(() => String, { nullable: true, description: 'Only items in this language (BCP 47; `bn` also matches `bn-BD`).' })
  language!: string | null;

  @Field(() => String, { nullable: true, description: 'Only items matching this search (as `latestFeed` and `articles` search).' })
  search!: string | null;
}

// Every field says maxAge 0: whatever path reaches a webhook (`webhooks`, `node(id:)`), the
// answer is never cached, so no other caller can be served it.
@ObjectType('Webhook', {
  implements: Node,
  description: 'Where news events are POSTed, signed as the Standard Webhooks specification says. Never shows its secret; only its owner (or an admin) can see it.',
})
export class Webhook implements Node {
  @CacheHint(0)
  @Field(() => ID, { description: 'The webhook’s global ID (what `deleteWebhook`, `testWebhook` and `node(id:)` take).' })
  id!: string;

  @CacheHint(0)
  @Field({ description: 'The receiver’s URL (http or https, a public address unless FETCH_ALLOWLIST opens it).' })
  url!: string;

  @CacheHint(0)
  @Field(() => [WebhookEvent], { description: 'The events delivered.' })
  events!: WebhookEvent[];

  @CacheHint(0)
  @Field(() => WebhookFilter, { description: 'Which items are delivered.' })
  filter!: WebhookFilter;

  @CacheHint(0)
  @Field(() => GraphQLDateTime, { description: 'When the webhook was created.' })
  createdAt!: Date;

  @CacheHint(0)
  @Field(() => GraphQLDateTime, { nullable: true, description: 'Since when every attempt has failed; null after a success.' })
  failingSince!: Date | null;

  @CacheHint(0)
  @Field(() => GraphQLDateTime, { nullable: true, description: 'When the webhook was disabled (after failing for 24 hours); null while it is enabled.' })
  disabledAt!: Date | null;

  @CacheHint(0)
  @Field(() => String, { nullable: true, description: 'Why the webhook was disabled; null while it is enabled.' })
  disabledReason!: string | null;
}

@ObjectType('WebhookDelivery', { implements: Node, description: 'One attempt to deliver one message to a webhook (seen by the webhook’s owner only).' })
export class WebhookDelivery implements Node {
  @CacheHint(0)
  @Field(() => ID, { description: 'The attempt’s global ID.' })
  id!: string;

  @CacheHint(0)
  @Field(() => ID, { description: 'The message’s ID: its `webhook-id` header, the same on every attempt of the message.' })
  messageId!: string;

  @CacheHint(0)
  @Field({ description: 'The message type: `feed_item.added`, `article.published` or `webhook.test`.' })
  type!: string;

  @CacheHint(0)
  @Field(() => Int, { description: 'Which attempt of the message this was: 1 for the first.' })
  attempt!: number;

  @CacheHint(0)
  @Field(() => GraphQLDateTime, { description: 'When the request was sent.' })
  at!: Date;

  @CacheHint(0)
  @Field(() => WebhookDeliveryStatus, { description: 'How the attempt ended.' })
  status!: WebhookDeliveryStatus;

  @CacheHint(0)
  @Field(() => Int, { nullable: true, description: 'The receiver’s HTTP status; null when none came (timeout, refused address, network error).' })
  responseStatus!: number | null;

  @CacheHint(0)
  @Field(() => Int, { description: 'From sending the request to the end of the answer, in milliseconds.' })
  durationMs!: number;

  @CacheHint(0)
  @Field(() => String, { nullable: true, description: 'Why it failed (`HTTP 500`, `TIMEOUT: …`, `BLOCKED_ADDRESS: …`); null on success.' })
  error!: string | null;
}

@ObjectType('CreatedWebhook', { simpleResolvers: true, description: 'A new webhook and its signing secret, shown this once.' })
export class CreatedWebhook {
  @Field(() => Webhook, { description: 'The webhook.' })
  webhook!: Webhook;

  @Field({ description: 'The signing secret (`whsec_` and base64 of 32 random bytes), for verifying `webhook-signature`. It cannot be shown again.' })
  secret!: string;
}

@InputType('WebhookFilterInput', { description: 'Which items a webhook is told of; every given condition must hold.' })
export class WebhookFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Only items of these sources (Source global IDs).' })
  sourceIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only items whose article is by or mentions one of these people (Person global IDs).' })
  personIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Only items in this language (BCP 47 tag; `bn` also matches `bn-BD`).' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: 'Only items matching this search: the headline, or the article’s title, summary and body.' })
  search?: string | null;
}

@InputType('CreateWebhookInput', { description: 'A webhook to create.' })
export class CreateWebhookInput {
  @Field({ description: 'The receiver’s URL: http or https, on a public address (private, loopback and link-local addresses are refused unless FETCH_ALLOWLIST opens them).' })
  url!: string;

  @Field(() => [WebhookEvent], { description: 'The events to deliver, at least one.' })
  events!: WebhookEvent[];

  @Field(() => WebhookFilterInput, { nullable: true, description: 'Which items to deliver; none: every item of the events.' })
  filter?: WebhookFilterInput | null;
}

export const WebhookConnection = ConnectionType(Webhook, 'Webhook', 'webhooks');
export const WebhookDeliveryConnection = ConnectionType(WebhookDelivery, 'WebhookDelivery', 'delivery attempts');
