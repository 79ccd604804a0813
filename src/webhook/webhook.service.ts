/**
 * Outbound webhooks: creating, listing, deleting and testing them for admins and partners (a
 * partner sees and manages only the webhooks of its own key), and the attempts of each. Delivery
 * itself is the dispatcher's (webhook.dispatcher.ts).
 */
import { articleCriteria } from '../article/article.service';
import { BadUserInputError, NotFoundError, UnauthenticatedError } from '../common/errors/domain-errors';
import { normalizeLanguageFilter } from '../common/input-normalizers';
import type { ServiceContext } from '../common/request-context';
import type { KeysetPage, RowsPage, TimeIdKey } from '../db/keyset';
import type { NewsEventKind } from '../events/news-event.repository';
import type { PrivateNodeTypeName } from '../graphql/relay/global-id';
import { refusedHost } from '../ingest/fetcher';
import { normalizeText } from '../text/normalize';
import type { WebhookDispatcher } from './webhook.dispatcher';
import type { AttemptRecord, WebhookFilterRecord, WebhookRecord } from './webhook.record';
import type { WebhookRepository } from './webhook.repository';
import type { WebhookSender } from './webhook.sender';
import { newWebhookSecret } from './webhook.signing';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Webhooks one partner key may have. */
const MAX_WEBHOOKS_PER_KEY = 20;
const MAX_URL_LENGTH = 2048;
const MAX_FILTER_IDS = 100;
const KINDS: readonly NewsEventKind[] = ['feedItemAdded', 'articlePublished'];

/** What creating a webhook takes: database ids in the filter (the GraphQL layer decodes global ids). */
export interface NewWebhook {
  url: string;
  events: readonly string[];
  filter?: { sourceIds?: string[] | null; personIds?: string[] | null; language?: string | null; search?: string | null } | null;
}

export interface CreatedWebhookRecord {
  webhook: WebhookRecord;
  /** `whsec_…`: returned once. */
  secret: string;
}

/** Whose webhooks the caller manages: every one (an admin) or its key's. Anonymous callers have none. */
type Owner = { admin: true } | { admin: false; apiKeyId: string };

function ownerOf(ctx: ServiceContext): Owner {
  if (ctx.viewer.kind === 'admin') return { admin: true };
  if (ctx.viewer.kind === 'partner') return { admin: false, apiKeyId: ctx.viewer.id };
  throw new UnauthenticatedError('Webhooks need a partner key (X-Api-Key) or an admin token.');
}

export class WebhookService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly dispatcher: WebhookDispatcher,
    private readonly sender: WebhookSender,
  ) {}

  async create(ctx: ServiceContext, input: NewWebhook): Promise<CreatedWebhookRecord> {
    const owner = ownerOf(ctx);
    const url = await this.checkUrl(input.url);
    const events = [...new Set(input.events)] as NewsEventKind[];
    if (events.length === 0 || !events.every((kind) => KINDS.includes(kind))) {
      throw new BadUserInputError('"input.events" must name at least one event.', { argument: 'input.events' });
    }
    const filter = checkFilter(input.filter ?? {});
    if (!owner.admin && (await this.webhooks.countOfKey(owner.apiKeyId)) >= MAX_WEBHOOKS_PER_KEY) {
      throw new BadUserInputError(`A partner key may have at most ${MAX_WEBHOOKS_PER_KEY} webhooks; delete one first.`, { argument: 'input', reason: 'TOO_MANY_WEBHOOKS' });
    }
    const secret = newWebhookSecret();
    const webhook = await this.webhooks.insert({ apiKeyId: owner.admin ? null : owner.apiKeyId, url, events, filter, secret });
    // This process delivers from now on; the others find the webhook within a minute (or hear
    // nothing they need to: the process that inserts a message enqueues it).
    await this.dispatcher.activate();
    return { webhook, secret };
  }

  /** The caller's webhooks (an admin's: all of them), newest first. */
  async list(ctx: ServiceContext, page: KeysetPage<TimeIdKey>): Promise<RowsPage<WebhookRecord>> {
    const owner = ownerOf(ctx);
    const apiKeyId = owner.admin ? undefined : owner.apiKeyId;
    return { rows: await this.webhooks.list(apiKeyId, page), total: () => this.webhooks.count(apiKeyId) };
  }

  async delete(ctx: ServiceContext, id: string): Promise<WebhookRecord> {
    await this.find(ctx, id);
    const deleted = await this.webhooks.delete(id);
    if (!deleted) throw new NotFoundError('No webhook has this ID.', { argument: 'id' });
    return deleted;
  }

  /** Sends a `webhook.test` message now and returns the attempt (disabled webhooks too: it checks the receiver). */
  async test(ctx: ServiceContext, id: string): Promise<AttemptRecord> {
    const webhook = await this.find(ctx, id);
    return this.dispatcher.sendTest(webhook);
  }

  /** A webhook's delivery attempts, newest first (the caller reached the webhook, so it may see them). */
  async deliveries(_ctx: ServiceContext, webhook: WebhookRecord, page: KeysetPage<TimeIdKey>): Promise<RowsPage<AttemptRecord>> {
    const rows = await this.webhooks.attempts(webhook.id, page);
    return { rows, total: () => this.webhooks.countAttempts(webhook.id) };
  }

  /** `node(id:)` of a webhook or a delivery attempt: the owner's (or an admin's), else null, as for a missing one. */
  async node(ctx: ServiceContext, type: PrivateNodeTypeName, id: string): Promise<WebhookRecord | AttemptRecord | null> {
    if (ctx.viewer.kind === 'anonymous') return null;
    try {
      if (type === 'Webhook') return await this.find(ctx, id);
      const attempt = await this.webhooks.attemptById(id);
      return attempt && (await this.find(ctx, attempt.webhookId)) ? attempt : null;
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** The caller's webhook with this id; another key's is NOT_FOUND, as a missing one (no telling which ids exist). */
  private async find(ctx: ServiceContext, id: string): Promise<WebhookRecord> {
    const owner = ownerOf(ctx);
    if (!UUID.test(id)) throw new BadUserInputError('"id" is not a webhook ID.', { argument: 'id' });
    const webhook = await this.webhooks.findById(id);
    if (!webhook || (!owner.admin && webhook.apiKeyId !== owner.apiKeyId)) throw new NotFoundError('No webhook has this ID.', { argument: 'id' });
    return webhook;
  }

  /**
   * http or https, no credentials, and an address the fetcher may reach: a literal private,
   * loopback, link-local or metadata address, or a name that resolves only to such addresses now,
   * is refused unless FETCH_ALLOWLIST opens it. Each delivery checks again as it connects.
   */
  private async checkUrl(raw: string): Promise<string> {
    const argument = 'input.url';
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      throw new BadUserInputError('"input.url" is not a URL.', { argument });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadUserInputError('"input.url" must be an http or https URL.', { argument });
    if (url.username || url.password) throw new BadUserInputError('"input.url" must not hold credentials; authenticate deliveries by their signature.', { argument });
    url.hash = '';
    if (url.href.length > MAX_URL_LENGTH) throw new BadUserInputError(`"input.url" is longer than ${MAX_URL_LENGTH} characters.`, { argument });
    const refusal = await refusedHost(this.sender.policy, url);
    if (refusal) {
      throw new BadUserInputError(
        `"input.url" is an address deliveries may not reach: BLOCKED_ADDRESS: ${refusal.host} is ${refusal.address}, ${refusal.reason} address. FETCH_ALLOWLIST opens hosts and ranges meant to be reached.`,
        { argument, reason: 'BLOCKED_ADDRESS' },
      );
    }
    return url.href;
  }
}

/** The filter as stored: ids deduplicated, the language tag canonical, the search normalised and checked as searches are. */
function checkFilter(input: NonNullable<NewWebhook['filter']>): WebhookFilterRecord {
  const filter: WebhookFilterRecord = {};
  for (const key of ['sourceIds', 'personIds'] as const) {
    const ids = input[key];
    if (ids == null || ids.length === 0) continue;
    if (ids.length > MAX_FILTER_IDS) throw new BadUserInputError(`"input.filter.${key}" takes at most ${MAX_FILTER_IDS} IDs.`, { argument: `input.filter.${key}` });
    filter[key] = [...new Set(ids)];
  }
  if (input.language != null && input.language.trim() !== '') filter.language = normalizeLanguageFilter(input.language, 'input.filter.language');
  if (input.search != null) {
    const search = normalizeText(input.search).trim();
    // The same checks as a search argument (length, words), so a stored filter always runs.
    if (search !== '' && articleCriteria({ search }).search) filter.search = search;
  }
  return filter;
}
