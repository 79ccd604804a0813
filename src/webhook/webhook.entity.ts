import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ApiKeyEntity } from '../api-key/api-key.entity';

/**
 * An outbound webhook: where news events are POSTed (Standard Webhooks), for which events, and
 * with what filter. `secret` is the signing secret itself (`whsec_…`), kept as given out: an HMAC
 * needs the key, so it cannot be stored hashed like an API key (anyone who can read this table can
 * sign as us for this webhook).
 */
@Entity({ name: 'webhook' })
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The partner key that created it (its owner); null for an admin's. Deleting the key deletes its webhooks. */
  @Index('IDX_webhook_api_key_id')
  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'api_key_id' })
  apiKey?: ApiKeyEntity;

  @Column({ type: 'text' })
  url!: string;

  /** News event kinds delivered: `feedItemAdded`, `articlePublished`. */
  @Column({ type: 'varchar', length: 32, array: true })
  events!: string[];

  /** `{ sourceIds?, personIds?, language?, search? }`, database ids. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  filter!: Record<string, unknown>;

  @Column({ type: 'text' })
  secret!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** The first failed attempt since the last success; null while deliveries succeed. */
  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince!: Date | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: string | null;
}

/**
 * One message to one webhook: an event about one feed item or article (or a test), its body as
 * sent (the same bytes on every attempt), and where its retries stand. `(webhook_id, event_key)`
 * is unique, so however many gateway processes hear a news event, one of them inserts the message
 * and only that one enqueues it.
 */
@Entity({ name: 'webhook_delivery' })
@Index('UQ_webhook_delivery_event', ['webhookId', 'eventKey'], { unique: true })
@Index('IDX_webhook_delivery_pending', ['state', 'nextAttemptAt'])
export class WebhookDeliveryEntity {
  /** Also the `webhook-id` header: the same on every attempt, so receivers can deduplicate. */
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId!: string;

  @ManyToOne(() => WebhookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id' })
  webhook?: WebhookEntity;

  /** `<news event kind>:<row id>`, or `test:<uuid>`. */
  @Column({ name: 'event_key', type: 'varchar', length: 80 })
  eventKey!: string;

  /** `feed_item.added`, `article.published`, `webhook.test`. */
  @Column({ type: 'varchar', length: 40 })
  type!: string;

  /** The JSON body `{ type, timestamp, data }`, byte for byte what is signed and sent. */
  @Column({ type: 'text' })
  body!: string;

  /** PENDING, SUCCEEDED or FAILED (given up). */
  @Column({ type: 'varchar', length: 16, default: 'PENDING' })
  state!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** When the next attempt is due (also a lease while one runs); null once settled. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true, default: () => 'now()' })
  nextAttemptAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** One attempt to deliver a message: what `Webhook.deliveries` lists. */
@Entity({ name: 'webhook_delivery_attempt' })
@Index('IDX_webhook_delivery_attempt_webhook', ['webhookId', 'at', 'id'])
export class WebhookDeliveryAttemptEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('IDX_webhook_delivery_attempt_delivery')
  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  @ManyToOne(() => WebhookDeliveryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id' })
  delivery?: WebhookDeliveryEntity;

  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId!: string;

  @ManyToOne(() => WebhookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id' })
  webhook?: WebhookEntity;

  /** 1 for the first attempt of the message. */
  @Column({ type: 'integer' })
  attempt!: number;

  /** When the request was sent. */
  @Column({ type: 'timestamptz' })
  at!: Date;

  /** SUCCEEDED (a 2xx answer) or FAILED. */
  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  /** Why it failed, without the response body (`HTTP 500`, `TIMEOUT: …`, `BLOCKED_ADDRESS: …`). */
  @Column({ type: 'text', nullable: true })
  error!: string | null;
}
