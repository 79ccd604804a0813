/**
 * GraphQL subscriptions over WebSocket on /graphql (the graphql-ws protocol,
 * `graphql-transport-ws`), on the gateway's own HTTP server: an upgrade request to /graphql
 * becomes a graphql-ws connection; what runs on it is src/live/ (new headlines and articles from
 * the news events).
 *
 * The HTTP path's rules hold here too: the caller is identified as on /graphql (a partner key in
 * `connectionParams.apiKey`, or `X-Api-Key`; the admin token in `connectionParams.authorization`,
 * or `Authorization`), a browser origin passes the same CORS policy, and each subscription's
 * document passes the same token, depth, cost, alias and directive limits, argument lengths, the
 * key's operation allowlist, the cost limit and the caller's bucket (charged once, by the
 * operation's cost: documentCost, as every transport prices an operation).
 * Only subscriptions run here: queries and mutations go over HTTP.
 *
 * Connections are limited per client address and subscriptions per connection; a connection whose
 * partner key is revoked is closed (checked every LIVE_KEY_CHECK_SECONDS); a consumer that is
 * still LIVE_QUEUE_LIMIT items behind when more news comes is closed (an event larger than the
 * limit alone closes no one: src/live/live-news.ts); on shutdown every connection is closed with
 * 1001. Close codes: 4401 the key or token is not valid, 4403 forbidden (origin, a revoked key),
 * 4413 slow consumer, 4429 too many connections from this address, 1001 going away.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { DomainError, OperationNotAllowedError, UnauthenticatedError } from '../common/errors/domain-errors';
import type { Viewer } from '../common/viewer';
import type { AppConfig } from '../config/config';
import type { Loaders } from '../api/loaders';
import type { GraphQLGuards } from '../edge/edge';
import { clientAddress, selfOrigin } from '../edge/client-address';
import { LIMIT_CODES, withinTokenLimit } from '../edge/graphql-limits';
import { InputLimits } from '../edge/input-limits.plugin';
import { chargeViewer, rateLimitedError } from '../edge/limits.plugin';
import { costLimitMessage, documentCost } from '../edge/query-cost';
import type { CostLimiter } from '../edge/rate-limiter';
import type { ResolverRegistry } from '../graphql/context';
import { createErrorFormatter } from '../graphql/error-formatter';
import type { LiveConnection } from '../live/live-news';
import { isGraphQLPath } from './graphql-endpoint';

/** Close codes the gateway uses beside graphql-ws's own (README: Subscriptions). */
const LIVE_CLOSE = {
  goingAway: 1001,
  unauthorized: 4401,
  forbidden: 4403,
  slowConsumer: 4413,
  tooManyConnections: 4429,
} as const;

/** Largest message a client may send (a subscribe message with its document): as /graphql's body. */
const MAX_MESSAGE_BYTES = 100 * 1024;
/** A connection the gateway closes is cut after this long if the client does not answer the close (a slow consumer cannot). */
const CLOSE_GRACE_MS = 1_000;

export interface SubscriptionServerDeps {
  config: AppConfig;
  logger: Logger;
  schema: GraphQLSchema;
  validationRules: ValidationRule[];
  guards: GraphQLGuards;
  limiter: CostLimiter;
  createLoaders: () => Loaders;
  resolvers: ResolverRegistry;
}

export interface SubscriptionServer {
  /** Serves upgrades to /graphql on `server`; its close() first closes every WebSocket with 1001. */
  attach(server: Server): void;
  /** Open WebSocket connections. */
  connections(): number;
  /** Closes every connection with 1001 and refuses new ones. */
  close(): Promise<void>;
}

interface Connection {
  socket: WebSocket;
  address: string;
  request: IncomingMessage;
  /** Who is calling, once connection_init was accepted. */
  viewer: Viewer | null;
  /** The headers the caller was identified from (connectionParams folded in): checked again for revocation. */
  headers: IncomingHttpHeaders;
}

type Extra = { socket: WebSocket; request: IncomingMessage };

export function createSubscriptionServer(deps: SubscriptionServerDeps): SubscriptionServer {
  const { config, logger, schema, guards } = deps;
  const format = createErrorFormatter(logger, { suggestions: config.introspection });
  const inputLimits = new InputLimits(schema);
  const rules = [...specifiedRules, ...deps.validationRules];
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const connections = new Map<WebSocket, Connection>();
  const perAddress = new Map<string, number>();
  /** The event streams opened in onSubscribe and their groups (executionGroup), handed to graphql-ws's subscribe by their context. */
  const streams = new WeakMap<object, { stream: AsyncIterableIterator<unknown>; group: string }>();
  let closing = false;

  const formatErrors = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((error) => {
      // graphql-ws wraps what a stream throws (a subscription ended by the server) in a GraphQLError without a path.
      const original = error.originalError instanceof DomainError && !error.path ? error.originalError : error;
      return format(error.toJSON(), original);
    });

  const server = useServer<Record<string, unknown>, Extra>(
    {
      schema,
      // Never graphql-ws's own messages for internal errors (NODE_ENV decides nothing here).
      isProd: true,
      onConnect: async (ctx) => {
        const connection = connections.get(ctx.extra.socket);
        if (!connection) return false;
        const headers = { ...connection.request.headers };
        // `{ apiKey }` or `{ authorization }`; GraphiQL sends its headers editor's headers as they are named.
        for (const [name, value] of Object.entries(ctx.connectionParams ?? {})) {
          if (typeof value !== 'string') continue;
          const lower = name.toLowerCase();
          if (lower === 'apikey' || lower === 'x-api-key') headers['x-api-key'] = value;
          else if (lower === 'authorization') headers.authorization = value;
        }
        try {
          const viewer = await guards.identify(headers, connection.address);
          await guards.cors.decide(connection.request.headers.origin, selfOrigin(connection.request, config.trustProxy), 'GET', viewer);
          connection.viewer = viewer;
          connection.headers = headers;
          return true;
        } catch (error) {
          const code = error instanceof UnauthenticatedError ? LIVE_CLOSE.unauthorized : LIVE_CLOSE.forbidden;
          closeSoon(ctx.extra.socket, code, error instanceof DomainError ? error.message : 'Forbidden');
          if (!(error instanceof DomainError)) logger.error({ err: error }, 'subscriptions: identifying a caller failed');
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = connections.get(ctx.extra.socket);
        if (!connection?.viewer) return [requestError('The connection is closing.', 'SERVICE_UNAVAILABLE')];
        const running = Object.keys(ctx.subscriptions).length;
        if (running > config.live.maxSubscriptionsPerConnection) {
          return [
            requestError(`At most ${config.live.maxSubscriptionsPerConnection} subscriptions may run on one connection.`, 'TOO_MANY_SUBSCRIPTIONS', {
              maxSubscriptions: config.live.maxSubscriptionsPerConnection,
            }),
          ];
        }
        try {
          return await prepare(connection, connection.viewer, id, payload);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          if (error instanceof DomainError) return [domainError(error)];
          logger.error({ err: error }, 'subscriptions: a subscription could not start');
          return [requestError('Internal server error', 'INTERNAL_SERVER_ERROR')];
        }
      },
      subscribe: (args) => {
        const opened = streams.get(args.contextValue as object);
        if (!opened) return execute(args);
        return executeEach(opened.stream, args, opened.group);
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: formatErrors(result.errors) } : undefined),
      onError: (_ctx, _id, _payload, errors) => formatErrors(errors),
    },
    wss,
  );

  /** Parses, validates and checks a subscribe message as /graphql checks a request, and opens its event stream. */
  async function prepare(connection: Connection, viewer: Viewer, id: string, payload: SubscribePayload): Promise<ExecutionArgs | GraphQLError[]> {
    const query = payload.query;
    if (typeof query !== 'string') return [requestError('A subscription needs a query.', 'BAD_REQUEST')];
    if (!withinTokenLimit(query, config.graphqlLimits.maxTokens)) {
      return [requestError(`The document has more than ${config.graphqlLimits.maxTokens} tokens.`, LIMIT_CODES.tokens)];
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      if (error instanceof GraphQLError) return [new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
      throw error;
    }
    const errors = validate(schema, document, rules);
    if (errors.length > 0) {
      return errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions } }));
    }
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [requestError('The document has no operation of that name, or several operations and no name.', 'BAD_REQUEST')];
    if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
      return [requestError('Only subscriptions run over WebSocket: send queries and mutations to /graphql over HTTP.', 'BAD_REQUEST')];
    }
    const variables = payload.variables ?? undefined;
    const tooLong = inputLimits.check(document, variables);
    if (tooLong) return [domainError(tooLong)];
    const allowed = viewer.apiKey?.allowedOperations;
    if (allowed) {
      const hash = createHash('sha256').update(query).digest('hex');
      if (!allowed.includes(hash)) return [domainError(new OperationNotAllowedError('This API key may only run its registered persisted operations.', { queryHash: hash }))];
    }
    const cost = documentCost(schema, document, variables, payload.operationName) ?? 1;
    const { maxCost } = config.graphqlLimits;
    if (cost > maxCost) return [requestError(costLimitMessage(maxCost, cost), LIMIT_CODES.cost, { cost, maxCost })];
    const decision = await chargeViewer(deps.limiter, viewer, cost);
    if (decision && !decision.allowed) return [domainError(rateLimitedError(decision, cost))];

    const live: LiveConnection = { slow: () => closeSoon(connection.socket, LIVE_CLOSE.slowConsumer, 'Slow consumer: the queue was still full when more news came') };
    const contextValue = { requestId: `ws-${id}`, viewer, loaders: deps.createLoaders(), logger, resolvers: deps.resolvers, live };
    const args: ExecutionArgs = { schema, document, operationName: payload.operationName ?? undefined, variableValues: variables, contextValue };
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return [...((stream as ExecutionResult).errors ?? [requestError('The subscription could not start.', 'INTERNAL_SERVER_ERROR')])];
    streams.set(contextValue, { stream, group: executionGroup(viewer, query, payload.operationName, variables) });
    return args;
  }

  const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = request.url ?? '';
    const query = url.indexOf('?');
    if (!isGraphQLPath(query < 0 ? url : url.slice(0, query))) {
      refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (closing) {
      refuseUpgrade(socket, 503, 'Service Unavailable');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const address = clientAddress(request, config.trustProxy);
      const count = perAddress.get(address) ?? 0;
      if (closing) {
        closeSoon(ws, LIVE_CLOSE.goingAway, 'Going away');
        return;
      }
      if (count >= config.live.maxConnectionsPerAddress) {
        closeSoon(ws, LIVE_CLOSE.tooManyConnections, `Too many connections from this address (at most ${config.live.maxConnectionsPerAddress})`);
        return;
      }
      perAddress.set(address, count + 1);
      connections.set(ws, { socket: ws, address, request, viewer: null, headers: request.headers });
      ws.once('close', () => {
        connections.delete(ws);
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
      });
      wss.emit('connection', ws, request);
    });
  };

  /** Partner keys of open connections, checked again: a revoked key's connections close with 4403. */
  let checking = false;
  const checkKeys = async (): Promise<void> => {
    if (checking) return;
    checking = true;
    try {
      for (const connection of [...connections.values()]) {
        if (connection.viewer?.kind !== 'partner') continue;
        try {
          await guards.identify(connection.headers, connection.address);
        } catch (error) {
          if (error instanceof UnauthenticatedError) closeSoon(connection.socket, LIVE_CLOSE.forbidden, 'Forbidden: the API key has been revoked');
          else logger.warn({ err: error }, 'subscriptions: checking a partner key failed');
        }
      }
    } finally {
      checking = false;
    }
  };
  const keyTimer = setInterval(() => void checkKeys(), config.live.keyCheckSeconds * 1000);
  keyTimer.unref();

  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    clearInterval(keyTimer);
    const sockets = [...connections.keys()];
    // graphql-ws's dispose closes every client with 1001 "Going away" and the server.
    await Promise.resolve(server.dispose()).catch((error: unknown) => logger.warn({ err: error }, 'subscriptions: closing the WebSocket server failed'));
    for (const socket of sockets) closeSoon(socket, LIVE_CLOSE.goingAway, 'Going away');
  };

  return {
    attach(http) {
      http.on('upgrade', upgrade);
      // Upgraded sockets are no longer the HTTP server's to close, yet server.close() waits for
      // them: every way the gateway's server is closed (shutdown, tests) closes them first.
      const closeHttp = http.close.bind(http);
      http.close = ((callback?: (error?: Error) => void) => {
        void close();
        return closeHttp(callback);
      }) as typeof http.close;
    },
    connections: () => connections.size,
    close,
  };
}

/**
 * Which subscriptions get the same result for the same item: the same document, operation and
 * variables, from the same kind of caller (an admin sees fields others do not) and, for a partner,
 * the same key (what a key owns). The address of an anonymous caller changes nothing.
 */
function executionGroup(viewer: Viewer, query: string, operationName: string | null | undefined, variables: Record<string, unknown> | undefined): string {
  const caller = viewer.kind === 'partner' ? `partner:${viewer.apiKey?.id ?? viewer.id}` : viewer.kind;
  return JSON.stringify([caller, operationName ?? null, variables ?? null, query]);
}

/**
 * The results of the items handed to subscriptions, by item and group: the hub hands one row
 * object to every subscription that receives it (src/live/live-news.ts; each event loads rows of
 * its own), so a selection runs once per item and group, whichever member gets there first, and
 * every other member sends the same result. An entry lives as long as its row: until the last
 * subscription holding the item has sent it.
 */
const sharedResults = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

function executeShared(args: ExecutionArgs, item: unknown, group: string): Promise<ExecutionResult> {
  if (typeof item !== 'object' || item === null) return Promise.resolve(execute({ ...args, rootValue: item }));
  let results = sharedResults.get(item);
  if (!results) sharedResults.set(item, (results = new Map<string, Promise<ExecutionResult>>()));
  let result = results.get(group);
  if (!result) {
    result = Promise.resolve(execute({ ...args, rootValue: item })).then(plainResult);
    results.set(group, result);
  }
  return result;
}

/**
 * A shared result as every member will stringify it again (graphql-ws writes each member's
 * message itself): its data as plain objects, which JSON.stringify walks about twice as fast as
 * graphql's null-prototype ones; the same JSON. A result with errors stays as it is (they are
 * formatted per subscription from the GraphQLErrors).
 */
function plainResult(result: ExecutionResult): ExecutionResult {
  if (result.errors || !result.data) return result;
  return { ...result, data: JSON.parse(JSON.stringify(result.data)) as ExecutionResult['data'] };
}

/**
 * Runs the operation's selection on each item the stream yields (what graphql's subscribe() does),
 * once per item for the whole group (executeShared), ending with the stream. Each subscription
 * keeps its own queue, order and pace: only the result is shared.
 */
function executeEach(stream: AsyncIterableIterator<unknown>, args: ExecutionArgs, group: string): AsyncIterableIterator<ExecutionResult> {
  const done = { value: undefined, done: true } as const;
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const item = await stream.next();
      if (item.done) return done;
      return { value: await executeShared(args, item.value, group), done: false };
    },
    async return() {
      await stream.return?.();
      return done;
    },
    async throw(error: unknown) {
      await stream.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

function isAsyncIterable(value: unknown): value is AsyncIterableIterator<unknown> {
  return typeof (Object(value) as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';
}

function requestError(message: string, code: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details } });
}

function domainError(error: DomainError): GraphQLError {
  return requestError(error.message, error.code, error.details ?? {});
}

/** A close frame's reason holds at most 123 bytes. */
function closeReason(reason: string): string {
  let text = reason;
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1);
  return text;
}

/** Closes with a code and reason; a client that does not answer (a slow consumer's full socket) is cut after CLOSE_GRACE_MS. */
function closeSoon(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === socket.CLOSED) return;
  socket.close(code, closeReason(reason));
  setTimeout(() => {
    if (socket.readyState !== socket.CLOSED) socket.terminate();
  }, CLOSE_GRACE_MS).unref();
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

