import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CacheHint } from '../cache/cache-hints';
import type { GraphQLContext } from '../graphql/context';
import { ConnectionArgs, relayPage } from '../graphql/relay/connection';
import { timeIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType, toGlobalId } from '../graphql/relay/global-id';
import type { AttemptRecord, WebhookRecord } from './webhook.record';
import { WebhookService } from './webhook.service';
import { CreatedWebhook, CreateWebhookInput, Webhook, WebhookConnection, WebhookDelivery, WebhookDeliveryConnection, WebhookFilter } from './webhook.types';

/**
 * Outbound webhooks, for admins (every webhook) and partners (their key's own): anonymous callers
 * get UNAUTHENTICATED from the service. Nothing here is cached (maxAge 0).
 */
@Resolver(() => Webhook)
export class WebhookResolver {
  constructor(private readonly webhookService: WebhookService) {}

  @CacheHint(0)
  @Query(() => WebhookConnection, { description: 'Your webhooks, newest first: a partner key’s own, or every one for an admin (a key or an admin token is required).' })
  async webhooks(@Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    const { page, connection } = relayPage(args, timeIdCursor, 'webhooks');
    return connection(await this.webhookService.list(ctx, page), (row: WebhookRecord) => ({ publishedAt: row.createdAt, id: row.id }));
  }

  @Mutation(() => CreatedWebhook, {
    description:
      'Creates a webhook: each new item of its events matching its filter is POSTed to its URL, signed (Standard Webhooks), retried with backoff for 24 hours. The secret is in this response only (a partner key or an admin token).',
  })
  createWebhook(@Arg('input', () => CreateWebhookInput, { description: 'The receiver, the events and the filter.' }) input: CreateWebhookInput, @Ctx() ctx: GraphQLContext) {
    const filter = input.filter
      ? {
          ...input.filter,
          sourceIds: input.filter.sourceIds?.map((id) => fromGlobalIdOfType(id, 'Source', 'input.filter.sourceIds')),
          personIds: input.filter.personIds?.map((id) => fromGlobalIdOfType(id, 'Person', 'input.filter.personIds')),
        }
      : null;
    return this.webhookService.create(ctx, { url: input.url, events: input.events, filter });
  }

  @Mutation(() => Webhook, { description: 'Deletes one of your webhooks, its messages and attempts; nothing more is sent to it.' })
  deleteWebhook(@Arg('id', () => ID, { description: 'The webhook’s global ID.' }) id: string, @Ctx() ctx: GraphQLContext) {
    return this.webhookService.delete(ctx, fromGlobalIdOfType(id, 'Webhook'));
  }

  @Mutation(() => WebhookDelivery, { description: 'Sends a `webhook.test` message to one of your webhooks now and returns the attempt (sent once, not retried).' })
  testWebhook(@Arg('id', () => ID, { description: 'The webhook’s global ID.' }) id: string, @Ctx() ctx: GraphQLContext): Promise<AttemptRecord> {
    return this.webhookService.test(ctx, fromGlobalIdOfType(id, 'Webhook'));
  }

  @CacheHint(0)
  @FieldResolver(() => ID, { description: 'The webhook’s global ID (what `deleteWebhook`, `testWebhook` and `node(id:)` take).' })
  id(@Root() webhook: WebhookRecord): string {
    return toGlobalId('Webhook', webhook.id);
  }

  @CacheHint(0)
  @FieldResolver(() => WebhookFilter, { description: 'Which items are delivered.' })
  filter(@Root() webhook: WebhookRecord): WebhookFilter {
    const { sourceIds = [], personIds = [], language = null, search = null } = webhook.filter;
    return {
      sourceIds: sourceIds.map((id) => toGlobalId('Source', id)),
      personIds: personIds.map((id) => toGlobalId('Person', id)),
      language,
      search,
    };
  }

  @CacheHint(0)
  @FieldResolver(() => WebhookDeliveryConnection, { description: 'Every attempt to deliver a message to this webhook, newest first.' })
  async deliveries(@Root() webhook: WebhookRecord, @Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    const { page, connection } = relayPage(args, timeIdCursor, 'webhook-deliveries');
    return connection(await this.webhookService.deliveries(ctx, webhook, page), (row: AttemptRecord) => ({ publishedAt: row.at, id: row.id }));
  }
}

/** The global ids of delivery attempts. */
@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @CacheHint(0)
  @FieldResolver(() => ID, { description: 'The attempt’s global ID.' })
  id(@Root() attempt: AttemptRecord): string {
    return toGlobalId('WebhookDelivery', attempt.id);
  }
}
