import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import type { Viewer } from '../common/viewer';
import type { GatewayContext, Loaders } from '../api/loaders';
import type { ResolverRegistry } from '../graphql/context';
import { clientAddress, selfOrigin } from '../edge/client-address';
import type { GraphQLGuards } from '../edge/edge';
import type { CompiledOperations } from './compiled-operations';
import { LIMIT_CODES } from '../edge/graphql-limits';
import { earlyResponse, requestErrorResponse, sendResponse, type EarlyResponse } from '../edge/error-response';

export const GRAPHQL_PATH = '/graphql';

/** /graphql, with or without its trailing slash: the endpoint, the access log and shutdown agree on it. */
export function isGraphQLPath(path: string): boolean {
  return path === GRAPHQL_PATH || path === `${GRAPHQL_PATH}/`;
}
const BODY_LIMIT_BYTES = 100 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export interface GraphQLEndpointDeps {
  config: AppConfig;
  apollo: ApolloServer<GatewayContext>;
  guards: GraphQLGuards;
  createLoaders: () => Loaders;
  resolvers: ResolverRegistry;
  /** Operations compiled into one SQL statement: answered before Apollo when they can be. */
  compiled: CompiledOperations;
  logger: Logger;
}

/** The request id: the caller's when it is sane, else a new one. Echoed on every response. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * POST and GET /graphql into Apollo's executeHTTPGraphQLRequest, on the raw request and response:
 * the same steps as body-parser + Apollo's express integration (caller, CORS, a capped JSON body,
 * the request's shape), without the middleware chain, the stream decoders and the ETag hash of
 * every response body that they and express's res.send spend on each request. On the sidebar that
 * was a tenth of the gateway's time per request.
 */
export function graphqlEndpoint(deps: GraphQLEndpointDeps) {
  const { config, guards, logger } = deps;
  return async (req: IncomingMessage, res: ServerResponse, search: string, requestId: string): Promise<void> => {
    // Every answer depends on the Origin header, so a shared cache (a CDN) must key on it.
    res.setHeader('vary', 'Origin');
    try {
      const method = req.method ?? 'GET';
      const viewer = await guards.identify(req.headers, clientAddress(req, config.trustProxy));
      const cors = await guards.cors.decide(req.headers.origin, selfOrigin(req, config.trustProxy), method, viewer);
      for (const name in cors.headers) res.setHeader(name, cors.headers[name]!);
      if (cors.preflight) {
        res.statusCode = 204;
        res.end();
        return;
      }
      let body: unknown;
      if (method === 'POST') {
        const read = await readJsonBody(req);
        if ('error' in read) {
          sendResponse(res, read.error);
          if (read.drop) req.destroy();
          return;
        }
        body = read.body;
      }
      const shapeError = guards.shapeError(method === 'GET' ? Object.fromEntries(new URLSearchParams(search)) : body);
      if (shapeError) {
        sendResponse(res, shapeError);
        return;
      }
      if (method === 'POST' && (await deps.compiled.serve(res, req.headers, body, viewer))) return;
      await execute(deps, req, res, { method, search, body, requestId, viewer });
    } catch (error) {
      if (!(error instanceof Error) || !('code' in error)) logger.error({ err: error }, 'graphql request failed'); // reqId: the logger's mixin
      if (!res.headersSent) sendResponse(res, requestErrorResponse(error));
      else res.destroy();
    }
  };
}

async function execute(
  deps: GraphQLEndpointDeps,
  req: IncomingMessage,
  res: ServerResponse,
  request: { method: string; search: string; body: unknown; requestId: string; viewer: Viewer },
): Promise<void> {
  const headers = new HeaderMap();
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const response = await deps.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method, headers, search: request.search, body: request.body },
    context: async () => ({
      requestId: request.requestId,
      viewer: request.viewer,
      loaders: deps.createLoaders(),
      logger: deps.logger,
      resolvers: deps.resolvers,
      baseUrl: deps.config.publicUrl ?? selfOrigin(req, deps.config.trustProxy),
    }),
  });
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    if (res.statusCode === 400 && onlyJsonAccepted(req.headers.accept) && isDocumentFailure(response.body.string)) res.statusCode = 200;
    res.setHeader('content-length', Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * Codes of a well-formed request whose document or variables fail: parsing, validation (graphql-js's
 * rules and graphql-armor's limits, src/edge/graphql-limits.ts), variable coercion and the input
 * limits (BAD_USER_INPUT before execution).
 */
const DOCUMENT_FAILURE_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  ...Object.values(LIMIT_CODES),
]);

/**
 * A client that accepts only `application/json` (or sends no Accept, which the GraphQL over HTTP
 * specification reads as `application/json`) is a legacy client: for it a GraphQL response that
 * failed parsing, validation or variable coercion is status 200, as the specification asks of
 * `application/json` ("SHOULD use 200 for every response to a well-formed request"). A client
 * that accepts `application/graphql-response+json`, also through a wildcard (any type, or `application/` any), gets
 * the 4xx that media type asks for. Media ranges with q=0 are refused ones and do not count.
 */
function onlyJsonAccepted(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  let json = false;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (params.some((param) => /^q\s*=\s*0(\.0*)?$/.test(param))) continue;
    if (type === 'application/json') json = true;
    else if (type === 'application/graphql-response+json' || type === 'application/*' || type === '*/*') return false;
  }
  return json;
}

/** Whether an answer of Apollo's (HTTP 400) holds no data and only errors of DOCUMENT_FAILURE_CODES. */
function isDocumentFailure(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: Array<{ extensions?: { code?: unknown } }> };
    if (parsed.data !== undefined || !Array.isArray(parsed.errors) || parsed.errors.length === 0) return false;
    return parsed.errors.every((error) => typeof error.extensions?.code === 'string' && DOCUMENT_FAILURE_CODES.has(error.extensions.code));
  } catch {
    return false;
  }
}

type BodyRead = { body: unknown } | { error: EarlyResponse; drop: boolean };

/**
 * A JSON body of at most BODY_LIMIT_BYTES, in UTF-8. Anything else is refused before it is parsed:
 * 413 (the rest of the body is not read), 415 for another charset, 400 for malformed JSON. A body
 * that is not JSON at all is passed on empty, and Apollo answers it (its CSRF rules live there).
 */
async function readJsonBody(req: IncomingMessage): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (declared > BODY_LIMIT_BYTES) return { error: tooLarge(), drop: true };
  const contentType = req.headers['content-type'] ?? '';
  const isJson = /^application\/(.+\+)?json\s*(;|$)/i.test(contentType);
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
  if (isJson && charset && charset !== 'utf-8' && charset !== 'utf8') {
    return { error: earlyResponse(415, 'The request body must be UTF-8 JSON.', 'UNSUPPORTED_MEDIA_TYPE'), drop: true };
  }
  const read = await readBody(req);
  if (read === null) return { error: tooLarge(), drop: true };
  const { chunks, size } = read;
  if (!isJson) return { body: undefined };
  const text = Buffer.concat(chunks, size).toString('utf8');
  if (text.trim() === '') return { body: undefined };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { error: earlyResponse(400, 'The request body is not valid JSON.', 'BAD_REQUEST'), drop: false };
  }
}

/**
 * The body's chunks, or null once it passes BODY_LIMIT_BYTES (the rest is not read). Listeners
 * rather than `for await`: an async iterator per request costs more than the read itself. A
 * connection that fails or closes before the end rejects, as the iterator did.
 */
function readBody(req: IncomingMessage): Promise<{ chunks: Buffer[]; size: number } | null> {
  return new Promise((resolve, reject) => {
    if (req.destroyed) {
      reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        done();
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve({ chunks, size });
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => {
      done();
      reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
  });
}

function tooLarge(): EarlyResponse {
  return earlyResponse(413, `The request body is larger than ${BODY_LIMIT_BYTES / 1024}kb.`, 'PAYLOAD_TOO_LARGE');
}
