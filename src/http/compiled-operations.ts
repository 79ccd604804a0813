import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import {
  getVariableValues,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { Logger } from 'pino';
import type { CacheGeneration } from '../common/generation';
import { currentRequest } from '../common/request-context';
import type { Viewer } from '../common/viewer';
import { cacheControlHeader, StaticCachePolicies, type StaticPolicy } from '../cache/static-cache-policy.plugin';
import { dynamicSql, type SqlExecutor, type SqlStatement } from '../db/sql-executor';
import { InputLimits } from '../edge/input-limits.plugin';
import { chargeViewer, rateLimitHeaders } from '../edge/limits.plugin';
import { operationCost } from '../edge/query-cost';
import type { CostLimiter, LimitDecision } from '../edge/rate-limiter';
import { compileOperation, Unsupported, type BoundStatement, type CompiledOperation } from '../graphql/json-sql/compile';
import type { JsonSqlSchema } from '../graphql/json-sql/json-sql.types';

/**
 * The compiled read path: Mercurius's idea (compile an operation once it has been seen) with
 * PostGraphile's execution (one statement that builds the response's JSON in Postgres). A query
 * document seen `compileAfter` times is parsed, validated with the same rules as Apollo, and
 * compiled (src/graphql/json-sql/compile.ts); from then on a request for it is answered here, on
 * the raw request, with the statement's text as the response body.
 *
 * Everything Apollo's pipeline and our plugins do for such a request is done here the same way, so
 * the answer, its headers and its accounting do not depend on the path: the input limits, the
 * caller's bucket charged by the operation's cost (with the RateLimit headers), the response cache
 * (the same store, key and value as @apollo/server-plugin-response-cache, so either path reads the
 * other's entries, under the same generation), the static cache policy's Cache-Control, the
 * operation's name for the access log and the metrics, the statement counter.
 *
 * Whatever this path does not answer exactly as Apollo would, it leaves to Apollo before anything
 * has happened: admins and keys with an operation allowlist, persisted-query hashes, batches, an
 * Accept header asking for another media type, documents that fail parsing or validation, fields
 * and arguments the compiler does not know, variables that fail coercion or the input limits, an
 * operation over the cost limit (with these variables),
 * arguments the root fields refuse (the error is Apollo's to give), a refused charge, a failed
 * statement. When it has charged the caller before leaving, the charge travels with the request
 * (RequestContext.charged) and Apollo's limits plugin does not charge again.
 */

/** Longest query text considered; longer ones (rare, and costly to keep) always go through Apollo. */
const MAX_QUERY_LENGTH = 8 * 1024;
/** Documents remembered (seen, compiled or found unsupported); the oldest are forgotten first. */
const MAX_DOCUMENTS = 1000;
/** Operation names remembered per document. */
const MAX_OPERATIONS_PER_DOCUMENT = 8;
/** Statement shapes per compiled operation (a literal LIMIT, a cursor or not, the filters used). */
const MAX_SHAPES = 64;
/** The response cache plugin's prefix and session mode for public entries (NoSession). */
const RESPONSE_CACHE_PREFIX = 'fqc:';
const NO_SESSION = 0;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

interface Compiled {
  readonly compiled: CompiledOperation;
  readonly document: DocumentNode;
  readonly fragments: Record<string, FragmentDefinitionNode>;
  /** The operation's own name, null when anonymous: the response cache keys on it. */
  readonly operationName: string | null;
  readonly policy: StaticPolicy | null;
  /** Prepared statements by shape (BoundStatement.shape). */
  readonly statements: Map<string, SqlStatement>;
  /** Costs by the variables' JSON. */
  readonly costs: Map<string, number>;
}

interface DocumentEntry {
  seen: number;
  /** By requested operation name ('' for none): the compiled operation, or null when Apollo answers it. */
  readonly operations: Map<string, Compiled | null>;
}

export interface CompiledOperationsDeps {
  schema: GraphQLSchema;
  jsonSql: JsonSqlSchema;
  /** Apollo's extra validation rules (graphql-armor's limits), run with graphql-js's own. */
  validationRules: readonly ValidationRule[];
  /** GRAPHQL_MAX_COST: a costlier operation is left to Apollo, which refuses it (QUERY_TOO_COMPLEX). */
  maxCost: number;
  compileAfter: number;
  db: SqlExecutor;
  limiter: CostLimiter;
  /** The response cache's store and generation, when the response cache is on. */
  responseCache: { store: KeyValueCache<string>; generation: CacheGeneration } | null;
  logger: Logger;
}

/** A GraphQL POST body, as the endpoint parsed it. */
interface OperationBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

export class CompiledOperations {
  private readonly documents = new Map<string, DocumentEntry>();
  private readonly rules: readonly ValidationRule[];
  private readonly inputLimits: InputLimits;
  private readonly policies: StaticCachePolicies;

  constructor(private readonly deps: CompiledOperationsDeps) {
    this.rules = [...specifiedRules, ...deps.validationRules];
    this.inputLimits = new InputLimits(deps.schema);
    this.policies = new StaticCachePolicies(deps.schema);
  }

  /**
   * Answers a POST /graphql request when its operation is compiled; false when Apollo must answer
   * it (having set RequestContext.charged if the caller was charged here).
   */
  async serve(res: ServerResponse, headers: IncomingHttpHeaders, body: unknown, viewer: Viewer): Promise<boolean> {
    if (this.deps.compileAfter === 0 || viewer.kind === 'admin' || viewer.apiKey?.allowedOperations) return false;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
    const { query, operationName, variables, extensions } = body as OperationBody;
    if (typeof query !== 'string' || query.length > MAX_QUERY_LENGTH) return false;
    if (operationName != null && typeof operationName !== 'string') return false;
    if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return false;
    if (extensions != null && (typeof extensions !== 'object' || 'persistedQuery' in extensions)) return false;
    if (!acceptsJson(headers.accept)) return false;
    const operation = this.lookup(query, operationName ?? '');
    if (!operation) return false;

    const given = (variables ?? {}) as Record<string, unknown>;
    if (this.inputLimits.check(operation.document, given)) return false;
    const coerced = getVariableValues(this.deps.schema, operation.compiled.operation.variableDefinitions ?? [], given);
    if (coerced.errors) return false;

    const request = currentRequest();
    if (request) request.operation = operation.operationName ?? '';
    const cost = this.cost(operation, given);
    if (cost > this.deps.maxCost) return false; // Apollo refuses it, uncharged, as it would have
    const cache = operation.policy && this.deps.responseCache;
    // The cached answer is asked for while the bucket is charged: one round trip for both when
    // they are in Redis (the generation is known in memory there, see RedisCacheGeneration). A
    // refused charge drops what came back.
    let cacheKey: string | null = null;
    const cached = cache
      ? cache.generation.current().then((extra) => {
          cacheKey = RESPONSE_CACHE_PREFIX + sha256(JSON.stringify({ source: query, operationName: operation.operationName, variables: { ...given }, extra, sessionMode: NO_SESSION }));
          return cache.store.get(cacheKey);
        })
      : null;
    cached?.catch(() => undefined);
    const decision = await chargeViewer(this.deps.limiter, viewer, cost);
    if (decision && !decision.allowed) return this.leave(decision);
    for (const [name, value] of decision ? rateLimitHeaders(decision) : []) res.setHeader(name, value);

    if (cached) {
      const hit = await cached;
      const answered = hit === undefined ? null : cachedAnswer(hit);
      if (answered) {
        res.setHeader('cache-control', cacheControlHeader(answered.policy));
        res.setHeader('age', String(Math.round((Date.now() - answered.cacheTime) / 1000)));
        send(res, `{"data":${answered.data}}\n`);
        return true;
      }
    }

    // Bound only now: a cached answer needs no statement. An entry exists only for variables that
    // were answered before, so what bind refuses (bad arguments for Apollo to report, or ones only
    // the resolvers handle) never has one; it goes to Apollo with the charge made here.
    let bound: BoundStatement;
    try {
      bound = operation.compiled.bind(coerced.coerced);
    } catch {
      return this.leave(decision);
    }
    let data: string;
    try {
      const [row] = await this.deps.db.rows<{ data: string }>(this.statement(operation, bound), bound.values);
      data = row!.data;
    } catch (error) {
      // Apollo runs the request again through the resolvers and reports what fails there.
      this.deps.logger.warn({ err: error }, 'compiled operation failed; answered through Apollo');
      return this.leave(decision);
    }
    const policy = operation.policy;
    res.setHeader('cache-control', policy ? cacheControlHeader(policy) : 'no-store');
    send(res, `{"data":${data}}\n`);
    if (cache && cacheKey && policy) {
      const value = `{"data":${data},"cachePolicy":${JSON.stringify({ maxAge: policy.maxAge, scope: policy.scope })},"cacheTime":${Date.now()}}`;
      cache.store.set(cacheKey, value, { ttl: policy.maxAge }).catch((error: unknown) => this.deps.logger.warn({ err: error }, 'response cache write failed'));
    }
    return true;
  }

  private leave(decision: LimitDecision | null): false {
    const request = currentRequest();
    if (request) request.charged = { decision };
    return false;
  }

  /** The compiled operation for a query text, once it has been seen often enough; null for Apollo's. */
  private lookup(query: string, operationName: string): Compiled | null {
    let entry = this.documents.get(query);
    if (!entry) {
      if (this.documents.size >= MAX_DOCUMENTS) this.documents.delete(this.documents.keys().next().value!);
      entry = { seen: 0, operations: new Map() };
      this.documents.set(query, entry);
    }
    if (entry.seen < this.deps.compileAfter) {
      entry.seen++;
      if (entry.seen < this.deps.compileAfter) return null;
    }
    let compiled = entry.operations.get(operationName);
    if (compiled === undefined) {
      if (entry.operations.size >= MAX_OPERATIONS_PER_DOCUMENT) return null;
      compiled = this.compile(query, operationName || null);
      entry.operations.set(operationName, compiled);
    }
    return compiled;
  }

  private compile(query: string, operationName: string | null): Compiled | null {
    let document: DocumentNode;
    try {
      document = parse(query, { noLocation: true });
    } catch {
      return null;
    }
    if (validate(this.deps.schema, document, this.rules).length > 0) return null;
    try {
      const compiled = compileOperation(this.deps.schema, this.deps.jsonSql, document, operationName);
      const fragments: Record<string, FragmentDefinitionNode> = {};
      for (const definition of document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
      }
      return {
        compiled,
        document,
        fragments,
        operationName: compiled.operation.name?.value ?? null,
        policy: this.policies.policyFor(document, compiled.operation),
        statements: new Map(),
        costs: new Map(),
      };
    } catch (error) {
      if (!(error instanceof Unsupported)) this.deps.logger.warn({ err: error }, 'could not compile an operation; Apollo answers it');
      return null;
    }
  }

  /** The named (prepared once per connection) statement of one shape of an operation. */
  private statement(operation: Compiled, bound: BoundStatement): SqlStatement {
    let statement = operation.statements.get(bound.shape);
    if (!statement) {
      statement = dynamicSql('compiled', bound.text());
      if (operation.statements.size < MAX_SHAPES) operation.statements.set(bound.shape, statement);
    }
    return statement;
  }

  /** The operation's cost for these variables (only `first`-like counts change it): remembered per value set. */
  private cost(operation: Compiled, variables: Record<string, unknown>): number {
    const key = JSON.stringify(variables);
    let cost = operation.costs.get(key);
    if (cost === undefined) {
      cost = operationCost(this.deps.schema, operation.compiled.operation, operation.fragments, variables);
      if (operation.costs.size < MAX_SHAPES) operation.costs.set(key, cost);
    }
    return cost;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Whether Apollo would answer `application/json` (an absent Accept, or one that takes it first); a
 * client asking for `application/graphql-response+json` or a multipart answer goes through Apollo.
 */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  if (/graphql-response|multipart|callback|q\s*=/i.test(accept)) return false;
  return /(^|[\s,])(\*\/\*|application\/\*|application\/json)\s*(;|,|$)/i.test(accept);
}

/**
 * A response cache entry (`{"data":…,"cachePolicy":…,"cacheTime":…}`, as the response cache plugin
 * writes it) without parsing its data: the top-level `,"cachePolicy":` is the last one, since
 * `data` comes first and anything inside it that looks the same is escaped or nested before it.
 */
function cachedAnswer(entry: string): { data: string; policy: StaticPolicy; cacheTime: number } | null {
  const marker = entry.lastIndexOf(',"cachePolicy":');
  if (!entry.startsWith('{"data":') || marker < 0) return null;
  try {
    const tail = JSON.parse(`{${entry.slice(marker + 1)}`) as { cachePolicy?: StaticPolicy; cacheTime?: number };
    if (!tail.cachePolicy || typeof tail.cacheTime !== 'number') return null;
    return { data: entry.slice('{"data":'.length, marker), policy: tail.cachePolicy, cacheTime: tail.cacheTime };
  } catch {
    return null;
  }
}

function send(res: ServerResponse, body: string): void {
  res.statusCode = 200;
  res.setHeader('content-type', JSON_CONTENT_TYPE);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
