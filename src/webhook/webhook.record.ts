import type { NewsEventKind } from '../events/news-event.repository';

/** A webhook's filter as stored: database ids, the language tag canonical, the search as typed (normalised). */
export interface WebhookFilterRecord {
  sourceIds?: string[];
  personIds?: string[];
  language?: string;
  search?: string;
}

/** A row of `webhook`. */
export interface WebhookRecord {
  id: string;
  /** The owning partner key's row id; null for an admin's webhook. */
  apiKeyId: string | null;
  url: string;
  events: NewsEventKind[];
  filter: WebhookFilterRecord;
  secret: string;
  createdAt: Date;
  failingSince: Date | null;
  disabledAt: Date | null;
  disabledReason: string | null;
}

export type AttemptStatus = 'SUCCEEDED' | 'FAILED';

/** A row of `webhook_delivery_attempt`, with its message's id and type. */
export interface AttemptRecord {
  id: string;
  /** The message (`webhook-id` header). */
  deliveryId: string;
  /** The same: the name the API gives it. */
  messageId: string;
  webhookId: string;
  type: string;
  attempt: number;
  at: Date;
  status: AttemptStatus;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

/** A message claimed for an attempt, with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  type: string;
  body: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  createdAt: Date;
  url: string;
  secret: string;
  disabled: boolean;
  /** Test messages are sent once and touch neither retries nor the webhook's health. */
  test: boolean;
}
