/**
 * Pages for people rather than programs: GraphiQL at /graphiql (this file), served with its assets
 * from our own node_modules, and the operation both explorers open with (explorer-example.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { earlyResponse, sendResponse } from '../../edge/error-response';

const gzip = promisify(gzipCallback);

/** Where the page is served; its assets are under `${GRAPHIQL_PATH}/assets/`. */
export const GRAPHIQL_PATH = '/graphiql';

/**
 * The page's Content-Security-Policy. It runs only files served from here: no inline script, no
 * other origin, no eval (GraphiQL 4 edits with CodeMirror 5: no workers either); its stylesheet
 * carries its fonts and images as data: URLs. The one inline style is the <style> element Radix
 * (react-remove-scroll) appends while a dialog (settings, short keys) is open: it takes its nonce
 * from `__webpack_nonce__`, which the start-up script sets from the page's <meta nonce>, so styles
 * need no 'unsafe-inline' either. A new nonce for every page.
 */
function graphiqlCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
  integrity: string;
  gzipped?: Promise<{ body: Buffer; etag: string }>;
}

function asset(body: Buffer, contentType: string): Asset {
  const sha256 = createHash('sha256').update(body).digest('base64url');
  return {
    body,
    contentType,
    etag: `"${sha256.slice(0, 32)}"`,
    integrity: `sha384-${createHash('sha384').update(body).digest('base64')}`,
  };
}

/** A file of an installed package, found through require.resolve (from src/ or dist/ alike). */
function packageFile(name: string, file: string): { body: Buffer; version: string } {
  // graphiql's `exports` do not list its UMD files, so resolve the manifest and go from its folder.
  const manifest = require.resolve(`${name}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { body: readFileSync(path.join(path.dirname(manifest), file)), version };
}

/** The start-up script: the page's only code of ours, a file so the CSP needs no 'unsafe-inline'. */
function initScript(endpoint: string, example: GraphiQLExample): string {
  const variables = example.variables ? JSON.stringify(example.variables, null, 2) : null;
  // A JSON literal in a file of its own (not in HTML): only U+2028/9 need escaping for old engines.
  const settings = JSON.stringify({ endpoint, query: example.document, variables })
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `/* newsgate: starts GraphiQL on this gateway's GraphQL endpoint. */
(function () {
  'use strict';
  var settings = ${settings};
  var root = document.getElementById('graphiql');
  if (typeof React === 'undefined' || typeof ReactDOM === 'undefined' || typeof GraphiQL === 'undefined') {
    root.textContent = 'GraphiQL could not be loaded.';
    return;
  }
  // For the <style> elements Radix adds under dialogs (the CSP's style-src nonce). The nonce
  // attribute reads empty to CSS and getAttribute; only the property holds it.
  var nonce = document.querySelector('meta[name="csp-nonce"]');
  if (nonce && nonce.nonce) window.__webpack_nonce__ = nonce.nonce;
  document.body.style.margin = '0';
  root.style.height = '100vh';
  root.textContent = '';
  // Relative to the page, so it works behind any host and under a path prefix. POST with
  // Content-Type: application/json, which Apollo's CSRF prevention accepts. No @defer here, so
  // plain JSON rather than multipart. Subscriptions go over WebSocket to the same path (graphql-ws,
  // bundled with GraphiQL; the headers editor's X-Api-Key or Authorization become its
  // connectionParams); CSP's connect-src 'self' covers ws: and wss: of the page's own host.
  var url = new URL(settings.endpoint, document.baseURI);
  var subscriptionUrl = new URL(url.href);
  subscriptionUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({
    url: url.href,
    subscriptionUrl: subscriptionUrl.href,
    enableIncrementalDelivery: false,
  });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: settings.query,
      // The first tab when nothing is stored yet (a new tab opens empty).
      defaultTabs: [{ query: settings.query, variables: settings.variables }],
      // GraphiQL 4 fills the variables editor from this prop or its storage, not from the tab.
      variables: settings.variables,
      shouldPersistHeaders: false,
    }),
  );
})();
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface GraphiQLExample {
  document: string;
  variables?: Readonly<Record<string, unknown>>;
}

export interface GraphiQLRouterOptions {
  /** The GraphQL endpoint, relative to the page (`/graphiql` → `/graphql`). */
  endpoint?: string;
  /** The operation the editor opens with (until the browser has a stored session). */
  example: GraphiQLExample;
}

/**
 * GraphiQL at `/graphiql`, served by the gateway itself from the npm packages (GraphiQL 4's UMD
 * bundle on React 18's UMD builds): nothing is fetched from the internet. Files are read once, at
 * start. Assets carry their package version (ours a content hash) in their name and are cached
 * for a year as immutable, with a strong ETag; the page itself (a few hundred bytes, with a new
 * CSP nonce each time) is never reused without asking.
 */
export function graphiqlRouter({ endpoint = 'graphql', example }: GraphiQLRouterOptions): Router {
  const react = packageFile('react', 'umd/react.production.min.js');
  const reactDom = packageFile('react-dom', 'umd/react-dom.production.min.js');
  const graphiqlJs = packageFile('graphiql', 'graphiql.min.js');
  const graphiqlCss = packageFile('graphiql', 'graphiql.min.css');
  // The bundle names a source map that is not served (4.7 MB); drop the comment so browser tools
  // do not ask for it.
  const graphiqlJsBody = Buffer.from(graphiqlJs.body.toString('utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  const init = Buffer.from(initScript(endpoint, example));
  const initHash = createHash('sha256').update(init).digest('hex').slice(0, 12);

  const js = 'text/javascript; charset=utf-8';
  // In page order: deferred scripts run in document order, React's globals before GraphiQL's.
  const assets = new Map<string, Asset>([
    [`graphiql-${graphiqlCss.version}.min.css`, asset(graphiqlCss.body, 'text/css; charset=utf-8')],
    [`react-${react.version}.production.min.js`, asset(react.body, js)],
    [`react-dom-${reactDom.version}.production.min.js`, asset(reactDom.body, js)],
    [`graphiql-${graphiqlJs.version}.min.js`, asset(graphiqlJsBody, js)],
    [`newsgate-graphiql-${initHash}.js`, asset(init, js)],
  ]);
  // Relative to the page at /graphiql, like the endpoint.
  const href = (name: string) => escapeHtml(`graphiql/assets/${name}`);
  const tag = (name: string, a: Asset) =>
    name.endsWith('.css')
      ? `<link rel="stylesheet" href="${href(name)}" integrity="${a.integrity}">`
      : `<script defer src="${href(name)}" integrity="${a.integrity}"></script>`;
  const page = (nonce: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csp-nonce" nonce="${nonce}">
<title>GraphiQL · newsgate</title>
<link rel="icon" href="data:,">
${[...assets].map(([name, a]) => tag(name, a)).join('\n')}
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript.</noscript>
</body>
</html>
`;

  // strict: `/graphiql/` is not the page, whose relative links would then point one folder down.
  const router = Router({ strict: true });
  router
    .route(GRAPHIQL_PATH)
    .get((_req, res) => {
      const nonce = randomBytes(16).toString('base64');
      const body = Buffer.from(page(nonce));
      res.setHeader('content-security-policy', graphiqlCsp(nonce));
      res.setHeader('referrer-policy', 'no-referrer');
      res.setHeader('x-frame-options', 'DENY');
      res.setHeader('cross-origin-opener-policy', 'same-origin');
      res.setHeader('x-content-type-options', 'nosniff');
      // A new nonce each time: nothing to revalidate, so no ETag.
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('content-length', body.length);
      res.status(200).end(body);
    })
    .all(methodNotAllowed);
  router
    .route(`${GRAPHIQL_PATH}/`)
    .get((req, res) => {
      const query = req.originalUrl.indexOf('?');
      // Relative, so a path prefix in front of the gateway is kept.
      res.redirect(301, `../graphiql${query < 0 ? '' : req.originalUrl.slice(query)}`);
    })
    .all(methodNotAllowed);
  for (const [name, a] of assets) {
    router
      .route(`${GRAPHIQL_PATH}/assets/${name}`)
      .get((req, res) => void sendAsset(req, res, a))
      .all(methodNotAllowed);
  }
  // Any other name under assets/ falls through to the gateway's 404.
  return router;
}

const methodNotAllowed: RequestHandler = (_req, res) => {
  res.setHeader('allow', 'GET, HEAD');
  sendResponse(res, earlyResponse(405, 'Method not allowed', 'METHOD_NOT_ALLOWED'));
};

/**
 * If-None-Match by RFC 9110's weak comparison. Not express's req.fresh, which also wants no
 * `Cache-Control: no-cache` on the request: fetch() adds one to every conditional request.
 */
function namesTag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/**
 * The file with its ETag (gzip-compressed, once, when the client accepts it), or 304 when the
 * client's If-None-Match names it. HEAD gets the headers only (Node drops the body).
 */
async function sendAsset(req: Request, res: Response, a: Asset): Promise<void> {
  try {
    let body = a.body;
    let etag = a.etag;
    res.setHeader('vary', 'Accept-Encoding');
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      a.gzipped ??= gzip(a.body).then((zipped) => ({ body: zipped, etag: `${a.etag.slice(0, -1)}-gz"` }));
      ({ body, etag } = await a.gzipped);
      res.setHeader('content-encoding', 'gzip');
    }
    res.setHeader('content-type', a.contentType);
    res.setHeader('cache-control', IMMUTABLE);
    res.setHeader('etag', etag);
    res.setHeader('x-content-type-options', 'nosniff');
    if (namesTag(req.headers['if-none-match'], etag)) {
      res.removeHeader('content-encoding');
      res.status(304).end();
      return;
    }
    res.setHeader('content-length', body.length);
    res.status(200).end(body);
  } catch {
    if (!res.headersSent) sendResponse(res, earlyResponse(500, 'Internal server error', 'INTERNAL_SERVER_ERROR'));
  }
}
