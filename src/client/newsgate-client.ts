import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Kind, OperationTypeNode, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import {
  ArticlePageDocument,
  PersonPageDocument,
  SearchArticlesDocument,
  SidebarDocument,
  SourcePageDocument,
  type ArticlePageQuery,
  type ArticlePageQueryVariables,
  type PersonPageQuery,
  type PersonPageQueryVariables,
  type SearchArticlesQuery,
  type SearchArticlesQueryVariables,
  type SidebarQuery,
  type SidebarQueryVariables,
  type SourcePageQuery,
  type SourcePageQueryVariables,
} from './generated/graphql';

/**
 * A small typed client for newsgate's GraphQL API. Its operations live in ./operations/*.graphql;
 * their result and variable types are generated from the committed schema (codegen.yml), so a
 * schema change that breaks an app breaks this module's compilation first.
 *
 * It needs only `fetch` (Node 18+, browsers, Deno, workers). Apps with a normalised cache use the
 * same documents with Apollo Client instead: see examples/terminal.
 */

export interface NewsgateClientOptions {
  /** The GraphQL endpoint, e.g. `https://api.news.example/graphql`. */
  url: string;
  /** A partner API key, sent as `X-Api-Key` (higher limits, per-key CORS). */
  apiKey?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /**
   * Send queries as GET, so CDNs and browsers can cache them (the gateway answers with
   * Cache-Control). Mutations always use POST.
   */
  getForQueries?: boolean;
  /** Abort a request after this many milliseconds (default 15 s). */
  timeoutMs?: number;
  /** A fetch implementation other than the global one. */
  fetch?: typeof fetch;
}

/** One error of a GraphQL response, as the gateway sends it (never a stack trace). */
export interface NewsgateGraphQLError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * A request that did not produce data: a GraphQL error (`code` is its `extensions.code`, e.g.
 * BAD_USER_INPUT, RATE_LIMITED, SERVICE_UNAVAILABLE), an HTTP failure or a network failure.
 */
export class NewsgateError extends Error {
  constructor(
    message: string,
    /** `extensions.code` of the first error, or NETWORK_ERROR / HTTP_ERROR. */
    readonly code: string,
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    readonly errors: readonly NewsgateGraphQLError[] = [],
    /** Seconds to wait before retrying, from Retry-After (rate limits, maintenance). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'NewsgateError';
  }
}

export interface GraphQLResult<TData> {
  data: TData;
  /** Errors of fields that failed while others resolved (partial data). */
  errors: readonly NewsgateGraphQLError[];
}

export class NewsgateClient {
  private readonly fetchImpl: typeof fetch;
  private readonly headers: Record<string, string>;
  /** print() walks the whole AST: each document is printed once per client. */
  private readonly printed = new WeakMap<DocumentNode, { text: string; operationName: string | null; isQuery: boolean }>();

  constructor(private readonly options: NewsgateClientOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.headers = { accept: 'application/graphql-response+json, application/json', ...options.headers };
    if (options.apiKey) this.headers['x-api-key'] = options.apiKey;
  }

  /** The "latest" sidebar, newest first; page with `after: pageInfo.endCursor`. */
  latestFeed(variables: SidebarQueryVariables = {}): Promise<SidebarQuery['latestFeed']> {
    return this.data(SidebarDocument, variables).then((data) => data.latestFeed);
  }

  /** An article by slug with its people, cited sources and a sidebar; `article` is null when none matches. */
  articlePage(variables: ArticlePageQueryVariables): Promise<ArticlePageQuery> {
    return this.data(ArticlePageDocument, variables);
  }

  /** Articles matching a search, in any language and script. */
  searchArticles(variables: SearchArticlesQueryVariables): Promise<SearchArticlesQuery['articles']> {
    return this.data(SearchArticlesDocument, variables).then((data) => data.articles);
  }

  /** A person with the articles they wrote or are named in; null when no person has this slug. */
  personPage(variables: PersonPageQueryVariables): Promise<PersonPageQuery['person']> {
    return this.data(PersonPageDocument, variables).then((data) => data.person);
  }

  /** A source with its latest headlines and articles; null when no source has this slug. */
  sourcePage(variables: SourcePageQueryVariables): Promise<SourcePageQuery['source']> {
    return this.data(SourcePageDocument, variables).then((data) => data.source);
  }

  /** Any typed document; throws NewsgateError unless every field resolved. */
  async data<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData> {
    const result = await this.execute(document, variables);
    if (result.errors.length > 0) throw graphQLFailure(result.errors, 200, null);
    return result.data;
  }

  /** Any typed document; partial data comes back with its errors, a request without data throws. */
  async execute<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<GraphQLResult<TData>> {
    const operation = this.operationOf(document);
    const headers = { ...this.headers };
    let url = this.options.url;
    let init: RequestInit;
    if (operation.isQuery && this.options.getForQueries) {
      const params = new URLSearchParams({ query: operation.text });
      if (operation.operationName) params.set('operationName', operation.operationName);
      if (Object.keys(variables).length > 0) params.set('variables', JSON.stringify(variables));
      url += (url.includes('?') ? '&' : '?') + params.toString();
      // A GET without a non-simple header is refused by the gateway's CSRF prevention.
      headers['apollo-require-preflight'] = 'true';
      init = { method: 'GET', headers };
    } else {
      headers['content-type'] = 'application/json';
      init = { method: 'POST', headers, body: JSON.stringify({ query: operation.text, operationName: operation.operationName, variables }) };
    }

    let response: Response;
    try {
      response = await this.fetchImpl(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000) });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'failed';
      throw new NewsgateError(`newsgate request ${reason}: ${error instanceof Error ? error.message : String(error)}`, 'NETWORK_ERROR', 0);
    }
    const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
    const text = await response.text();
    let body: { data?: TData | null; errors?: NewsgateGraphQLError[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new NewsgateError(`newsgate answered HTTP ${response.status} without a GraphQL body`, 'HTTP_ERROR', response.status, [], retryAfter);
    }
    const errors = body.errors ?? [];
    if (body.data === undefined || body.data === null) {
      if (errors.length > 0) throw graphQLFailure(errors, response.status, retryAfter);
      throw new NewsgateError(`newsgate answered HTTP ${response.status} without data`, 'HTTP_ERROR', response.status, [], retryAfter);
    }
    return { data: body.data, errors };
  }

  private operationOf(document: DocumentNode) {
    let operation = this.printed.get(document);
    if (!operation) {
      const definition = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      operation = { text: print(document), operationName: definition?.name?.value ?? null, isQuery: definition?.operation === OperationTypeNode.QUERY };
      this.printed.set(document, operation);
    }
    return operation;
  }
}

function graphQLFailure(errors: readonly NewsgateGraphQLError[], status: number, retryAfter: number | null): NewsgateError {
  const code = errors[0]?.extensions?.code ?? 'GRAPHQL_ERROR';
  return new NewsgateError(errors.map((error) => error.message).join('; '), code, status, errors, retryAfter);
}

function retryAfterSeconds(value: string | null): number | null {
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
