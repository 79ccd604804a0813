import { Readable, Transform, TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { Dispatcher, request } from 'undici';
import pkg from '../../../package.json';
import { BlockedAddressError, GuardedAgent } from './address-guard';
import { FetchError } from './errors';
import { parseRetryAfter } from './retry-after';

export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;
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

export interface FetchHeaders {
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
}

export interface FetchOk {
  status: 'ok';
  /** The URL after redirects: the base for relative URLs in the body. */
  finalUrl: string;
  httpStatus: number;
  headers: FetchHeaders;
  body: Buffer;
  /** True only with allowTruncated, when the body was cut at maxBytes. */
  truncated: boolean;
}

export interface FetchNotModified {
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

/** Counts bytes through a stream and fails it once they pass the cap. */
class ByteCap extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) callback(new TooLargeSignal());
    else callback(null, chunk);
  }
}

class TooLargeSignal extends Error {}

/** deflate is meant to be zlib-wrapped (RFC 9110) but servers send raw deflate too; peek to tell. */
class Inflate extends Transform {
  private inner: zlib.Inflate | zlib.InflateRaw | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.inner) {
      const zlibWrapped = chunk.length >= 2 && (chunk[0] & 0x0f) === 8 && ((chunk[0] << 8) | chunk[1]) % 31 === 0;
      this.inner = zlibWrapped ? zlib.createInflate() : zlib.createInflateRaw();
      this.inner.on('data', (data: Buffer) => {
        if (!this.push(data)) this.inner?.pause();
      });
      this.inner.on('error', (error) => this.destroy(error));
    }
    if (this.inner.write(chunk)) callback();
    else this.inner.once('drain', () => callback());
  }

  override _read(size: number): void {
    this.inner?.resume();
    super._read(size);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.inner) {
      callback();
      return;
    }
    this.inner.once('end', () => callback());
    this.inner.end();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.inner?.destroy();
    callback(error);
  }
}

function decoders(contentEncoding: string | null, url: string): Transform[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  // Codings are listed in the order they were applied: undo them last to first.
  return codings.reverse().map((coding) => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return zlib.createGunzip();
      case 'br':
        return zlib.createBrotliDecompress();
      case 'deflate':
        return new Inflate();
      default:
        throw new FetchError('NETWORK', `Unsupported Content-Encoding "${coding}"`, { url });
    }
  });
}

/**
 * The body, decoded and capped while streaming: chunks are counted as the decompressor emits
 * them and the streams are destroyed as soon as the count passes the cap, so a small gzip that
 * inflates to gigabytes costs no more memory than maxBytes.
 */
async function readBody(
  body: Readable,
  contentEncoding: string | null,
  maxBytes: number,
  allowTruncated: boolean,
  url: string,
): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const stages = decoders(contentEncoding, url);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (size + chunk.length > maxBytes) {
        if (allowTruncated) chunks.push(chunk.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        callback(new TooLargeSignal());
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
      callback();
    },
  });
  // Compressed bytes are capped too: a stream of padding that inflates to nothing must not run
  // until the deadline. (Without a coding the sink's cap is the same cap.)
  const rawCap = stages.length > 0 ? [new ByteCap(maxBytes)] : [];
  try {
    await pipeline([body, ...rawCap, ...stages, sink]);
  } catch (error) {
    if (!(error instanceof TooLargeSignal)) throw error;
    if (!allowTruncated) throw new FetchError('TOO_LARGE', `Body larger than ${maxBytes} bytes`, { url });
    truncated = true;
  }
  return { body: Buffer.concat(chunks), truncated };
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
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const agent = opts.agent ?? agentFor(opts.allowlist);
  let current = parseHopUrl(url);

  const controller = new AbortController();
  let deadlineHit = false;
  const timer = setTimeout(() => {
    deadlineHit = true;
    controller.abort(new Error(`Deadline of ${timeoutMs} ms passed`));
  }, timeoutMs);
  const onAbort = (): void => controller.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const headers: Record<string, string> = {
    'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT,
    accept: opts.accept ?? FEED_ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;

  const visited = new Set<string>();
  try {
    for (let hop = 0; ; hop++) {
      visited.add(current.href);
      // Literal addresses never reach a DNS lookup; checked here for a clear error before any
      // socket exists (the connector checks them again).
      const literal = current.hostname.replace(/^\[|\]$/g, '');
      if (/^[\d.]+$|:/.test(literal)) {
        const reason = agent.policy.check(literal, literal);
        if (reason !== null) throw new FetchError('BLOCKED_ADDRESS', new BlockedAddressError(literal, literal, reason).message, { url: current.href });
      }

      let response: Dispatcher.ResponseData<unknown>;
      try {
        response = await sendGet(current, {
          method: 'GET',
          headers,
          dispatcher: agent,
          signal: controller.signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
      } catch (error) {
        throw toFetchError(error, current.href, deadlineHit, timeoutMs);
      }

      const status = response.statusCode;
      const responseHeaders = response.headers as Record<string, string | string[] | undefined>;
      const location = header(responseHeaders, 'location');
      if (REDIRECT_STATUSES.has(status) && location) {
        await response.body.dump().catch(() => undefined);
        const next = parseHopUrl(location, current.href);
        if (hop + 1 > maxRedirects) {
          throw new FetchError('TOO_MANY_REDIRECTS', `More than ${maxRedirects} redirects`, { url: current.href });
        }
        if (visited.has(next.href)) {
          throw new FetchError('TOO_MANY_REDIRECTS', `Redirect loop back to ${next.href}`, { url: current.href });
        }
        current = next;
        continue;
      }

      if (status === 304) {
        await response.body.dump().catch(() => undefined);
        return { status: 'not-modified', finalUrl: current.href, httpStatus: 304, headers: pickHeaders(responseHeaders) };
      }
      if (status < 200 || status > 299) {
        await response.body.dump().catch(() => undefined);
        const retryAfter = status === 429 || status === 503 ? parseRetryAfter(header(responseHeaders, 'retry-after')) : undefined;
        if (status === 429) {
          throw new FetchError('RATE_LIMITED', `HTTP 429 from ${current.host}`, { url: current.href, httpStatus: status, retryAfter });
        }
        throw new FetchError('HTTP_STATUS', `HTTP ${status} from ${current.host}`, { url: current.href, httpStatus: status, retryAfter });
      }

      const declaredLength = Number(header(responseHeaders, 'content-length'));
      const encoding = header(responseHeaders, 'content-encoding');
      if (!opts.allowTruncated && !encoding && Number.isFinite(declaredLength) && declaredLength > maxBytes) {
        response.body.destroy();
        throw new FetchError('TOO_LARGE', `Content-Length ${declaredLength} is over ${maxBytes} bytes`, { url: current.href });
      }
      let read: { body: Buffer; truncated: boolean };
      try {
        read = await readBody(response.body, encoding, maxBytes, opts.allowTruncated ?? false, current.href);
      } catch (error) {
        response.body.destroy();
        throw toFetchError(error, current.href, deadlineHit, timeoutMs);
      }
      return {
        status: 'ok',
        finalUrl: current.href,
        httpStatus: status,
        headers: pickHeaders(responseHeaders),
        body: read.body,
        truncated: read.truncated,
      };
    }
  } catch (error) {
    throw toFetchError(error, current.href, deadlineHit, timeoutMs);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
