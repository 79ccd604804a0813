import { type Dispatcher, request } from 'undici';
import pkg from '../../../package.json';
import { BlockedAddressError, GuardedAgent } from './address-guard';
import { FetchError } from './errors';
import { readBody } from './read-body';
import { parseRetryAfter } from './retry-after';

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_USER_AGENT = `newsgate/${pkg.version} (+https://github.com/newsgate/newsgate)`;
export const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, ' +
  'application/xml;q=0.8, text/xml;q=0.8, application/json;q=0.7, */*;q=0.5';

export interface FetchOptions {
  /** One deadline for the whole fetch, every redirect hop included: connect, headers and body. */
  timeoutMs?: number;
  /** Cap on the body after content decoding. */
  maxBytes?: number;
  maxRedirects?: number;
  /** From the previous fetch of the same resource, for a conditional GET. */
  etag?: string | null;
  lastModified?: string | null;
  userAgent?: string;
  /** Accept header; feeds by default, override for HTML pages. */
  accept?: string;
  /** Hostnames / IPs / CIDRs opened despite the address policy (FETCH_ALLOWLIST). Ignored with `agent`. */
  allowlist?: readonly string[];
  /**
   * What to do with a body over maxBytes: false (default) rejects with TOO_LARGE, because a feed
   * cut in the middle is not XML any more; true returns the first maxBytes with truncated: true
   * (for HTML pages, where the start of an article is still worth having).
   */
  allowTruncated?: boolean;
  /** Aborts the fetch (reported as TIMEOUT). */
  signal?: AbortSignal;
  /** A shared GuardedAgent (connection pool and address policy); one per allowlist is kept otherwise. */
  agent?: GuardedAgent;
}

interface FetchHeaders {
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
}

interface FetchOk {
  status: 'ok';
  /** The URL after redirects: the base for relative URLs in the body. */
  finalUrl: string;
  httpStatus: number;
  headers: FetchHeaders;
  body: Buffer;
  /** True only with allowTruncated, when the body was cut at maxBytes. */
  truncated: boolean;
}

interface FetchNotModified {
  status: 'not-modified';
  finalUrl: string;
  httpStatus: 304;
  headers: FetchHeaders;
}

export type FetchResult = FetchOk | FetchNotModified;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const sharedAgents = new Map<string, GuardedAgent>();

function agentFor(allowlist: readonly string[] = []): GuardedAgent {
  const key = JSON.stringify([...allowlist].map((entry) => entry.trim().toLowerCase()).sort());
  let agent = sharedAgents.get(key);
  if (!agent) {
    agent = new GuardedAgent({ allowlist });
    sharedAgents.set(key, agent);
  }
  return agent;
}

/** Closes the agents fetchResource created for itself (shutdown, tests). */
export async function closeSharedAgents(): Promise<void> {
  const agents = [...sharedAgents.values()];
  sharedAgents.clear();
  await Promise.all(agents.map((agent) => agent.close()));
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

function pickHeaders(headers: Record<string, string | string[] | undefined>): FetchHeaders {
  return { contentType: header(headers, 'content-type'), etag: header(headers, 'etag'), lastModified: header(headers, 'last-modified') };
}

function parseHopUrl(raw: string, base?: string): URL {
  let url: URL;
  try {
    url = base === undefined ? new URL(raw) : new URL(raw, base);
  } catch (cause) {
    throw new FetchError('BAD_URL', `Not a valid URL: ${raw}`, { url: raw, cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('UNSUPPORTED_SCHEME', `Only http and https can be fetched, not ${url.protocol}`, { url: url.href });
  }
  // Credentials in a feed URL would be sent to every host it redirects to.
  url.username = '';
  url.password = '';
  url.hash = '';
  return url;
}

function findCause<T>(error: unknown, type: new (...args: never[]) => T): T | null {
  for (let current = error, depth = 0; current && depth < 8; current = (current as { cause?: unknown }).cause, depth++) {
    if (current instanceof type) return current;
  }
  return null;
}

function toFetchError(error: unknown, url: string, deadlineHit: boolean, timeoutMs: number): FetchError {
  if (error instanceof FetchError) return error;
  const blocked = findCause(error, BlockedAddressError);
  if (blocked) return new FetchError('BLOCKED_ADDRESS', blocked.message, { url, cause: error });
  if (deadlineHit) return new FetchError('TIMEOUT', `No complete response within ${timeoutMs} ms`, { url, cause: error });
  const code = (error as { code?: string })?.code;
  if (code === 'UND_ERR_ABORTED' || (error as Error)?.name === 'AbortError') {
    return new FetchError('TIMEOUT', 'Fetch aborted', { url, cause: error });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new FetchError('TIMEOUT', `Timed out (${code})`, { url, cause: error });
  }
  const message = (error as Error)?.message ?? String(error);
  return new FetchError('NETWORK', `${code ? `${code}: ` : ''}${message}`, { url, cause: error });
}

/** How a connection that closed under a request, before any answer, fails in undici. */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * A GET, sent once more if its connection was lost before any answer came. Kept-alive
 * connections have a race the client cannot avoid: a publisher closes a connection it deems idle
 * (after 5 s on Apache's and Node's defaults) just as our next request goes out on it, and drops
 * that request unread. undici closes idle connections ahead of the publisher's announced timeout,
 * but not while this process is busy, and storing a large feed in the embedded database keeps it
 * busy for seconds: the first fetch after that would fail for nothing. A GET may be repeated
 * (RFC 9110, 9.2.2). Once is enough: by the time the failure is seen the event loop has run, and
 * the other connections the publisher closed meanwhile are seen closed too. An answer cut off
 * after its headers is not repeated (that is a publisher's failure, reported as one).
 */
async function sendGet(url: URL, options: Parameters<typeof request>[1] & { signal: AbortSignal }): Promise<Dispatcher.ResponseData<unknown>> {
  try {
    return await request(url, options);
  } catch (error) {
    if (options.signal.aborted || !CONNECTION_LOST.has((error as { code?: string })?.code ?? '')) throw error;
    return request(url, options);
  }
}

/**
 * GET one resource (a feed, a page) from the open internet, defensively:
 * - http and https only; every redirect hop (at most maxRedirects) is followed by hand and its
 *   URL checked again;
 * - the address of every connection is checked at connect time by a GuardedAgent, so private,
 *   loopback, link-local and metadata addresses are refused (BLOCKED_ADDRESS) unless allowlisted;
 * - one deadline covers everything (TIMEOUT), and the decoded body is capped while it streams
 *   (TOO_LARGE);
 * - conditional GET with etag / lastModified, 304 giving { status: 'not-modified' };
 * - a request whose connection is lost before any answer is sent once more (see sendGet);
 * - failures reject with FetchError, never anything else.
 */
export async function fetchResource(url: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const limits: Limits = {
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
    maxRedirects: opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    allowTruncated: opts.allowTruncated ?? false,
  };
  const agent = opts.agent ?? agentFor(opts.allowlist);
  let current = parseHopUrl(url);
  const deadline = startDeadline(limits.timeoutMs, opts.signal);
  const headers = requestHeaders(opts);
  const visited = new Set<string>();
  try {
    for (let hop = 0; ; hop++) {
      visited.add(current.href);
      refuseLiteralAddress(current, agent);
      const response = await sendHop(current, headers, agent, deadline, limits.timeoutMs);
      const next = await redirectTarget(response, current, hop, limits.maxRedirects, visited);
      if (next === null) return await answer(response, current, limits, deadline);
      current = next;
    }
  } catch (error) {
    throw toFetchError(error, current.href, deadline.hit, limits.timeoutMs);
  } finally {
    deadline.stop();
  }
}

interface Limits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowTruncated: boolean;
}

/** One deadline for a whole fetch, also ended by the caller's signal. */
interface Deadline {
  readonly signal: AbortSignal;
  /** Whether the deadline passed (a TIMEOUT rather than another failure). */
  hit: boolean;
  stop(): void;
}

function startDeadline(timeoutMs: number, callerSignal: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  const deadline: Deadline = {
    signal: controller.signal,
    hit: false,
    stop: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    },
  };
  const timer = setTimeout(() => {
    deadline.hit = true;
    controller.abort(new Error(`Deadline of ${timeoutMs} ms passed`));
  }, timeoutMs);
  const onAbort = (): void => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onAbort();
  callerSignal?.addEventListener('abort', onAbort, { once: true });
  return deadline;
}

function requestHeaders(opts: FetchOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT,
    accept: opts.accept ?? FEED_ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
  return headers;
}

/**
 * Literal addresses never reach a DNS lookup; checked here for a clear error before any socket
 * exists (the connector checks them again).
 */
function refuseLiteralAddress(url: URL, agent: GuardedAgent): void {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (!/^[\d.]+$|:/.test(literal)) return;
  const reason = agent.policy.check(literal, literal);
  if (reason !== null) throw new FetchError('BLOCKED_ADDRESS', new BlockedAddressError(literal, literal, reason).message, { url: url.href });
}

async function sendHop(url: URL, headers: Record<string, string>, agent: GuardedAgent, deadline: Deadline, timeoutMs: number): Promise<Dispatcher.ResponseData<unknown>> {
  try {
    return await sendGet(url, {
      method: 'GET',
      headers,
      dispatcher: agent,
      signal: deadline.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (error) {
    throw toFetchError(error, url.href, deadline.hit, timeoutMs);
  }
}

function responseHeaders(response: Dispatcher.ResponseData<unknown>): Record<string, string | string[] | undefined> {
  return response.headers as Record<string, string | string[] | undefined>;
}

/** Where a redirect leads (its body discarded), or null when the response is not one. */
async function redirectTarget(response: Dispatcher.ResponseData<unknown>, current: URL, hop: number, maxRedirects: number, visited: Set<string>): Promise<URL | null> {
  const location = header(responseHeaders(response), 'location');
  if (!REDIRECT_STATUSES.has(response.statusCode) || !location) return null;
  await response.body.dump().catch(() => undefined);
  const next = parseHopUrl(location, current.href);
  if (hop + 1 > maxRedirects) {
    throw new FetchError('TOO_MANY_REDIRECTS', `More than ${maxRedirects} redirects`, { url: current.href });
  }
  if (visited.has(next.href)) {
    throw new FetchError('TOO_MANY_REDIRECTS', `Redirect loop back to ${next.href}`, { url: current.href });
  }
  return next;
}

/** The final response as a result: not modified, a failure for any status but 2xx, or the body. */
async function answer(response: Dispatcher.ResponseData<unknown>, url: URL, limits: Limits, deadline: Deadline): Promise<FetchResult> {
  const status = response.statusCode;
  const headers = responseHeaders(response);
  if (status === 304) {
    await response.body.dump().catch(() => undefined);
    return { status: 'not-modified', finalUrl: url.href, httpStatus: 304, headers: pickHeaders(headers) };
  }
  if (status < 200 || status > 299) {
    await response.body.dump().catch(() => undefined);
    const retryAfter = status === 429 || status === 503 ? parseRetryAfter(header(headers, 'retry-after')) : undefined;
    if (status === 429) {
      throw new FetchError('RATE_LIMITED', `HTTP 429 from ${url.host}`, { url: url.href, httpStatus: status, retryAfter });
    }
    throw new FetchError('HTTP_STATUS', `HTTP ${status} from ${url.host}`, { url: url.href, httpStatus: status, retryAfter });
  }
  const read = await readResponseBody(response, url, limits, deadline);
  return { status: 'ok', finalUrl: url.href, httpStatus: status, headers: pickHeaders(headers), body: read.body, truncated: read.truncated };
}

async function readResponseBody(response: Dispatcher.ResponseData<unknown>, url: URL, limits: Limits, deadline: Deadline): Promise<{ body: Buffer; truncated: boolean }> {
  const headers = responseHeaders(response);
  const declaredLength = Number(header(headers, 'content-length'));
  const encoding = header(headers, 'content-encoding');
  if (!limits.allowTruncated && !encoding && Number.isFinite(declaredLength) && declaredLength > limits.maxBytes) {
    response.body.destroy();
    throw new FetchError('TOO_LARGE', `Content-Length ${declaredLength} is over ${limits.maxBytes} bytes`, { url: url.href });
  }
  try {
    return await readBody(response.body, encoding, limits.maxBytes, limits.allowTruncated, url.href);
  } catch (error) {
    response.body.destroy();
    throw toFetchError(error, url.href, deadline.hit, limits.timeoutMs);
  }
}
