import http from 'node:http';
import { type AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { GuardedAgent, type LookupAll } from './address-guard';
import { FetchError } from './errors';
import { DEFAULT_USER_AGENT, closeSharedAgents, fetchResource } from './fetch-resource';

const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>ok</title></channel></rss>';
const ALLOW_LOCAL = { allowlist: ['127.0.0.1'] };

interface Recorded {
  paths: string[];
  headers: http.IncomingHttpHeaders[];
  connections: number;
}

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; port: number; seen: Recorded }> {
  const seen: Recorded = { paths: [], headers: [], connections: 0 };
  const server = http.createServer((req, res) => {
    seen.paths.push(req.url ?? '');
    seen.headers.push(req.headers);
    // The client hangs up on purpose in several tests; writes after that must not crash the server.
    res.on('error', () => undefined);
    handler(req, res);
  });
  server.on('connection', (socket) => {
    seen.connections++;
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

/** Writes `count` copies of chunk, respecting backpressure, stopping when the client goes away. */
function stream(res: http.ServerResponse, chunk: Buffer, count: number): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < count && !res.destroyed) {
      sent++;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

async function rejection(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FetchError);
    return error as FetchError;
  }
  throw new Error('expected a FetchError');
}

// A gzip of 1 GiB of zeros: 100 gzip members of 10 MiB each (a concatenation is one valid gzip
// stream, RFC 1952 2.2), about 1 MB on the wire.
const TEN_MIB_OF_ZEROS_GZ = zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024), { level: 9 });

let main: Awaited<ReturnType<typeof listen>>;
let target: Awaited<ReturnType<typeof listen>>;
let base: string;
const agents: GuardedAgent[] = [];

/** An agent that resolves `*.test` names to 127.0.0.1 (or to what `answers` says). */
function agentWith(allowlist: string[], answers: Record<string, string[]> = {}): GuardedAgent {
  const lookup: LookupAll = (hostname, _options, callback) => {
    const addresses = answers[hostname] ?? (hostname.endsWith('.test') ? ['127.0.0.1'] : null);
    if (!addresses) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      return;
    }
    callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  const agent = new GuardedAgent({ allowlist, lookup });
  agents.push(agent);
  return agent;
}

beforeAll(async () => {
  target = await listen((_req, res) => res.end('secret'));
  main = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/ok') {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"', 'last-modified': 'Mon, 03 Apr 2023 01:02:03 GMT' });
      res.end(FEED);
    } else if (path === '/echo') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.headers));
    } else if (path === '/gzip') {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync(FEED));
    } else if (path === '/br') {
      res.writeHead(200, { 'content-encoding': 'br' });
      res.end(zlib.brotliCompressSync(FEED));
    } else if (path === '/deflate') {
      res.writeHead(200, { 'content-encoding': 'deflate' });
      res.end(url.searchParams.has('raw') ? zlib.deflateRawSync(FEED) : zlib.deflateSync(FEED));
    } else if (path === '/corrupt-gzip') {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(Buffer.from('this is not gzip at all'));
    } else if (path === '/bomb') {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
      stream(res, TEN_MIB_OF_ZEROS_GZ, 100);
    } else if (path === '/big') {
      // 50 MiB without a Content-Length: only counting can stop it.
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      stream(res, Buffer.alloc(64 * 1024, 'a'), 800);
    } else if (path === '/big-declared') {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      stream(res, Buffer.alloc(64 * 1024, 'a'), 800);
    } else if (path === '/trickle') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('<')), 1000);
      res.on('close', () => clearInterval(timer));
    } else if (path === '/silent') {
      // Never answers.
    } else if (path.startsWith('/chain/')) {
      const left = Number(path.slice('/chain/'.length));
      if (left === 0) res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED);
      else res.writeHead(left % 2 ? 301 : 307, { location: `/chain/${left - 1}` }).end();
    } else if (path === '/loop-a') {
      res.writeHead(302, { location: '/loop-b' }).end();
    } else if (path === '/loop-b') {
      res.writeHead(302, { location: `http://127.0.0.1:${main.port}/loop-a` }).end();
    } else if (path === '/to') {
      res.writeHead(302, { location: url.searchParams.get('target') ?? '/' }).end();
    } else if (path === '/conditional') {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
      else res.writeHead(200, { etag: '"v1"' }).end(FEED);
    } else if (path === '/429') {
      res.writeHead(429, { 'retry-after': '120' }).end('slow down');
    } else if (path === '/429-date') {
      res.writeHead(429, { 'retry-after': new Date(Date.now() + 90_000).toUTCString() }).end();
    } else if (path === '/503') {
      res.writeHead(503, { 'retry-after': '30' }).end();
    } else if (path === '/500') {
      res.writeHead(500).end('boom');
    } else {
      res.writeHead(404).end();
    }
  });
  base = `http://127.0.0.1:${main.port}`;
});

afterAll(async () => {
  await closeSharedAgents();
  await Promise.all(agents.map((agent) => agent.close()));
  for (const { server } of [main, target]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('fetchResource: responses', () => {
  it('returns the body, final URL and caching headers', async () => {
    const result = await fetchResource(`${base}/ok`, ALLOW_LOCAL);
    expect(result).toEqual({
      status: 'ok',
      finalUrl: `${base}/ok`,
      httpStatus: 200,
      headers: { contentType: 'application/rss+xml; charset=utf-8', etag: '"v1"', lastModified: 'Mon, 03 Apr 2023 01:02:03 GMT' },
      body: Buffer.from(FEED),
      truncated: false,
    });
  });

  it('sends an honest User-Agent, feed Accept headers and the conditional headers', async () => {
    const result = await fetchResource(`${base}/echo`, { ...ALLOW_LOCAL, etag: '"abc"', lastModified: 'Sun, 02 Apr 2023 00:00:00 GMT' });
    if (result.status !== 'ok') throw new Error('expected ok');
    const sent = JSON.parse(result.body.toString('utf8')) as Record<string, string>;
    expect(sent['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(DEFAULT_USER_AGENT).toMatch(/^newsgate\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/newsgate\/newsgate\)$/);
    expect(sent.accept).toContain('application/rss+xml');
    expect(sent.accept).toContain('application/atom+xml');
    expect(sent['accept-encoding']).toBe('gzip, deflate, br');
    expect(sent['if-none-match']).toBe('"abc"');
    expect(sent['if-modified-since']).toBe('Sun, 02 Apr 2023 00:00:00 GMT');

    const custom = await fetchResource(`${base}/echo`, { ...ALLOW_LOCAL, userAgent: 'custom/1.0', accept: 'text/html' });
    const customSent = JSON.parse((custom as { body: Buffer }).body.toString('utf8')) as Record<string, string>;
    expect(customSent['user-agent']).toBe('custom/1.0');
    expect(customSent.accept).toBe('text/html');
  });

  it.each(['/gzip', '/br', '/deflate', '/deflate?raw'])('decodes %s', async (path) => {
    const result = await fetchResource(`${base}${path}`, ALLOW_LOCAL);
    expect(result.status === 'ok' && result.body.toString('utf8')).toBe(FEED);
  });

  it('reports a corrupt gzip body as NETWORK', async () => {
    const error = await rejection(fetchResource(`${base}/corrupt-gzip`, ALLOW_LOCAL));
    expect(error.code).toBe('NETWORK');
  });

  it('turns a 304 into not-modified', async () => {
    await expect(fetchResource(`${base}/conditional`, { ...ALLOW_LOCAL, etag: '"v1"' })).resolves.toMatchObject({
      status: 'not-modified',
      httpStatus: 304,
      headers: { etag: '"v1"' },
    });
    await expect(fetchResource(`${base}/conditional`, { ...ALLOW_LOCAL, etag: '"old"' })).resolves.toMatchObject({ status: 'ok' });
  });

  it('reports 429 as RATE_LIMITED with Retry-After in seconds (delta or HTTP-date)', async () => {
    const delta = await rejection(fetchResource(`${base}/429`, ALLOW_LOCAL));
    expect(delta).toMatchObject({ code: 'RATE_LIMITED', httpStatus: 429, retryAfter: 120 });
    const date = await rejection(fetchResource(`${base}/429-date`, ALLOW_LOCAL));
    expect(date.code).toBe('RATE_LIMITED');
    expect(date.retryAfter).toBeGreaterThanOrEqual(85);
    expect(date.retryAfter).toBeLessThanOrEqual(91);
  });

  it('reports 503 and 500 as HTTP_STATUS, 503 with retryAfter', async () => {
    expect(await rejection(fetchResource(`${base}/503`, ALLOW_LOCAL))).toMatchObject({ code: 'HTTP_STATUS', httpStatus: 503, retryAfter: 30 });
    const error = await rejection(fetchResource(`${base}/500`, ALLOW_LOCAL));
    expect(error).toMatchObject({ code: 'HTTP_STATUS', httpStatus: 500, retryAfter: undefined });
    expect(error.message).toContain('500');
  });
});

describe('fetchResource: limits', () => {
  it('cuts a gzip bomb (1 MB inflating to 1 GiB) at maxBytes with flat memory', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const error = await rejection(fetchResource(`${base}/bomb`, ALLOW_LOCAL));
      expect(error.code).toBe('TOO_LARGE');
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('refuses a 50 MB body as TOO_LARGE, declared or not', async () => {
    expect((await rejection(fetchResource(`${base}/big`, ALLOW_LOCAL))).code).toBe('TOO_LARGE');
    expect((await rejection(fetchResource(`${base}/big-declared`, ALLOW_LOCAL))).code).toBe('TOO_LARGE');
  });

  it('returns the first maxBytes with truncated: true when allowed', async () => {
    const result = await fetchResource(`${base}/big`, { ...ALLOW_LOCAL, maxBytes: 100_000, allowTruncated: true });
    expect(result).toMatchObject({ status: 'ok', truncated: true });
    expect(result.status === 'ok' && result.body.length).toBe(100_000);
  });

  it('gives up on a trickling body at the deadline', async () => {
    const started = Date.now();
    const error = await rejection(fetchResource(`${base}/trickle`, { ...ALLOW_LOCAL, timeoutMs: 1200 }));
    expect(error.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('gives up on a server that never answers at the deadline', async () => {
    const error = await rejection(fetchResource(`${base}/silent`, { ...ALLOW_LOCAL, timeoutMs: 500 }));
    expect(error.code).toBe('TIMEOUT');
  });

  it('reports an abort through the caller signal as TIMEOUT', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect((await rejection(fetchResource(`${base}/silent`, { ...ALLOW_LOCAL, signal: controller.signal }))).code).toBe('TIMEOUT');
  });
});

describe('fetchResource: redirects', () => {
  it('follows a chain of 5 redirects and reports the final URL', async () => {
    const result = await fetchResource(`${base}/chain/5`, ALLOW_LOCAL);
    expect(result).toMatchObject({ status: 'ok', finalUrl: `${base}/chain/0` });
  });

  it('refuses a sixth redirect', async () => {
    const error = await rejection(fetchResource(`${base}/chain/6`, ALLOW_LOCAL));
    expect(error.code).toBe('TOO_MANY_REDIRECTS');
  });

  it('stops a redirect loop', async () => {
    const error = await rejection(fetchResource(`${base}/loop-a`, ALLOW_LOCAL));
    expect(error.code).toBe('TOO_MANY_REDIRECTS');
    expect(error.message).toMatch(/loop/);
  });

  it('checks the scheme of every hop', async () => {
    const error = await rejection(fetchResource(`${base}/to?target=${encodeURIComponent('file:///etc/passwd')}`, ALLOW_LOCAL));
    expect(error.code).toBe('UNSUPPORTED_SCHEME');
  });
});

describe('fetchResource: server-side request forgery', () => {
  it('refuses a redirect to 127.0.0.1 when only the first host is allowlisted, without connecting', async () => {
    const agent = agentWith(['feeds.test']);
    const connectionsBefore = target.seen.connections;
    const start = `http://feeds.test:${main.port}/to?target=${encodeURIComponent(`http://127.0.0.1:${target.port}/secret`)}`;
    const error = await rejection(fetchResource(start, { agent }));
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.message).toContain('127.0.0.1');
    expect(error.message).toMatch(/loopback/);
    expect(target.seen.connections).toBe(connectionsBefore);
  });

  it.each([
    ['http://10.0.0.1/feed', /10\.0\.0\.1.*private/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254.*metadata/],
    ['http://[fd00:ec2::254]/latest/meta-data/', /metadata/],
    ['http://100.64.1.1/', /carrier-grade NAT/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://[::1]/', /loopback/],
    ['http://2130706433/', /127\.0\.0\.1.*loopback/],
    ['http://0.0.0.0/', /unspecified/],
  ])('refuses a redirect to %s', async (location, message) => {
    const agent = agentWith(['feeds.test']);
    const started = Date.now();
    const error = await rejection(fetchResource(`http://feeds.test:${main.port}/to?target=${encodeURIComponent(location)}`, { agent }));
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.message).toMatch(message);
    // Refused before any connection attempt, not after a connect timeout.
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a hostname that resolves to loopback (localhost) without an allowlist', async () => {
    const error = await rejection(fetchResource(`http://localhost:${main.port}/ok`));
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.message).toMatch(/localhost at 127\.0\.0\.1: a loopback address/);
  });

  it('refuses literal private addresses in the first URL too', async () => {
    expect((await rejection(fetchResource(`http://127.0.0.1:${main.port}/ok`))).code).toBe('BLOCKED_ADDRESS');
    expect((await rejection(fetchResource('http://192.168.1.1/'))).code).toBe('BLOCKED_ADDRESS');
  });

  it('checks the address the name resolves to at connect time', async () => {
    const connectionsBefore = main.seen.connections;
    const agent = agentWith([], { 'rebind.test': ['127.0.0.1'] });
    const error = await rejection(fetchResource(`http://rebind.test:${main.port}/ok`, { agent }));
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.message).toContain('rebind.test');
    expect(main.seen.connections).toBe(connectionsBefore);
  });

  it('connects only to the allowed addresses of a name with several', async () => {
    const agent = agentWith(['127.0.0.0/8'], { 'mixed.test': ['10.0.0.1', '127.0.0.1'] });
    await expect(fetchResource(`http://mixed.test:${main.port}/ok`, { agent })).resolves.toMatchObject({ status: 'ok' });
  });

  it('opens allowlisted hostnames and CIDRs', async () => {
    await expect(fetchResource(`http://localhost:${main.port}/ok`, { allowlist: ['localhost'] })).resolves.toMatchObject({ status: 'ok' });
    await expect(fetchResource(`${base}/ok`, { allowlist: ['127.0.0.0/8'] })).resolves.toMatchObject({ status: 'ok' });
  });

  it('reports DNS failures as NETWORK', async () => {
    const agent = agentWith([]);
    expect((await rejection(fetchResource('http://no-such-host.invalid/', { agent }))).code).toBe('NETWORK');
  });

  it.each([
    ['not a url', 'BAD_URL'],
    ['file:///etc/passwd', 'UNSUPPORTED_SCHEME'],
    ['ftp://example.com/feed', 'UNSUPPORTED_SCHEME'],
    ['javascript:alert(1)', 'UNSUPPORTED_SCHEME'],
  ])('refuses %s with %s', async (url, code) => {
    expect((await rejection(fetchResource(url))).code).toBe(code);
  });
});
