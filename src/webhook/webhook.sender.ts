import { request } from 'undici';
import pkg from '../../package.json';
import { BlockedAddressError, GuardedAgent } from '../ingest/fetcher';
import { signatureHeaders } from './webhook.signing';

/** What is read of a receiver's answer at most: nothing of it is kept, it is only drained. */
const MAX_RESPONSE_BYTES = 1024;
const USER_AGENT = `newsgate-webhooks/${pkg.version}`;

export interface SendResult {
  ok: boolean;
  responseStatus: number | null;
  durationMs: number;
  /** Why it failed: `HTTP 500`, `TIMEOUT: …`, `BLOCKED_ADDRESS: …`, `NETWORK: …`; null on success. */
  error: string | null;
}

/**
 * POSTs signed messages. Every connection goes through the fetcher's address policy at connect
 * time (GuardedAgent: private, loopback, link-local and metadata addresses are refused unless
 * FETCH_ALLOWLIST opens them), so a name that resolved to a public address when the webhook was
 * created and to a private one now is refused now. Redirects are not followed (a 3xx is a
 * failure), one deadline covers the attempt, and at most 1 KiB of the answer is read.
 */
export class WebhookSender {
  private readonly agent: GuardedAgent;

  constructor(
    allowlist: readonly string[],
    private readonly timeoutMs: number,
  ) {
    this.agent = new GuardedAgent({ allowlist, connectTimeoutMs: timeoutMs });
  }

  get policy() {
    return this.agent.policy;
  }

  async send(url: string, secret: string, messageId: string, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signatureHeaders(secret, messageId, body) },
        body,
      });
      await response.body.dump({ limit: MAX_RESPONSE_BYTES }).catch(() => undefined);
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return { ok, responseStatus: response.statusCode, durationMs: elapsed(), error: ok ? null : `HTTP ${response.statusCode}` };
    } catch (error) {
      return { ok: false, responseStatus: null, durationMs: elapsed(), error: describeFailure(error, signal.aborted, this.timeoutMs) };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function describeFailure(error: unknown, timedOut: boolean, timeoutMs: number): string {
  for (let current = error, depth = 0; current && depth < 8; current = (current as { cause?: unknown }).cause, depth++) {
    if (current instanceof BlockedAddressError) return `BLOCKED_ADDRESS: ${current.message}`;
  }
  const code = (error as { code?: string })?.code;
  if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `TIMEOUT: no answer within ${timeoutMs} ms`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `NETWORK: ${code ? `${code}: ` : ''}${message}`.slice(0, 300);
}
