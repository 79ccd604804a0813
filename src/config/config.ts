import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * The one module that reads process.env. Everything else receives an AppConfig, so tests and the
 * CLI can build a configuration without touching the environment, and a bad value stops start-up
 * with a message naming the variable instead of failing later somewhere deep.
 */

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: () => 'must be one of true/false, 1/0, yes/no, on/off',
  })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const postgresUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
    } catch {
      return false;
    }
  },
  { message: 'must be a postgres:// or postgresql:// URL' },
);

const port = z.coerce
  .number({ error: () => 'must be a whole number between 0 and 65535' })
  .int('must be a whole number between 0 and 65535')
  .min(0, 'must be a whole number between 0 and 65535')
  .max(65535, 'must be a whole number between 0 and 65535');

/** Never echoed in an error message: they may carry credentials. */
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'ADMIN_TOKEN', 'REDIS_URL', 'METRICS_TOKEN']);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const redisUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'redis:' || url.protocol === 'rediss:';
    } catch {
      return false;
    }
  },
  { message: 'must be a redis:// or rediss:// URL' },
);

const positiveInt = (max: number) =>
  z.coerce
    .number({ error: () => `must be a whole number between 1 and ${max}` })
    .int(`must be a whole number between 1 and ${max}`)
    .min(1, `must be a whole number between 1 and ${max}`)
    .max(max, `must be a whole number between 1 and ${max}`);

/** `https://a.example, https://b.example` → exact origins (scheme://host[:port]), no paths. */
const originList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item !== ''))
  .refine((origins) => origins.every(isOrigin), { message: 'must be a comma-separated list of origins such as https://news.example' });

export function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/** `127.0.0.1, 10.0.0.0/8, feeds.internal` → hosts, IP addresses or CIDR ranges the fetcher may reach. */
const fetchAllowlist = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim().toLowerCase()).filter((item) => item !== ''))
  .refine((entries) => entries.every(isAllowlistEntry), {
    message: 'must be a comma-separated list of host names, IP addresses or CIDR ranges such as 127.0.0.1/32',
  });

function isAllowlistEntry(value: string): boolean {
  if (ipaddr.isValid(value) || ipaddr.isValidCIDR(value)) return true;
  return /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/.test(value);
}

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: () => `must be a whole number between ${min} and ${max}` })
    .int(`must be a whole number between ${min} and ${max}`)
    .min(min, `must be a whole number between ${min} and ${max}`)
    .max(max, `must be a whole number between ${min} and ${max}`);

/**
 * The default limits, in query-cost points (src/edge/query-cost.ts): one source for the defaults
 * below and for the README's limits table, which a test holds to these numbers. `burst` is the
 * bucket's capacity, what RateLimit-Limit says; it refills at `perSecond`. Admins have no bucket.
 */
export const DEFAULT_LIMITS = {
  anonymous: { perSecond: 50, burst: 2_000 },
  partner: { perSecond: 1_000, burst: 50_000 },
  /** The most one operation may cost, for every caller (QUERY_TOO_COMPLEX above it). */
  maxCost: 5_000,
} as const;

const envSchema = z.object({
  PORT: port.default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: wholeNumber(1, 3600).default(65),
  SHUTDOWN_GRACE_SECONDS: wholeNumber(1, 600).default(5),
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(5000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  NODE_ENV: z.string().optional(),
  // Unset: on outside production, off in production (see developmentDefaults below).
  GRAPHQL_INTROSPECTION: booleanFromEnv.optional(),
  GRAPHQL_LANDING_PAGE: booleanFromEnv.optional(),
  GRAPHIQL: booleanFromEnv.optional(),
  METRICS: booleanFromEnv.default(true),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WORKER_HTTP_PORT: port.optional(),
  SEED_ON_EMPTY: booleanFromEnv.default(true),
  TRUST_PROXY: booleanFromEnv.default(false),
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters (use a random secret, e.g. `openssl rand -hex 32`)').optional(),
  FETCH_ALLOWLIST: fetchAllowlist.optional(),
  FETCH_TIMEOUT_MS: wholeNumber(100, 600_000).default(20_000),
  FETCH_MAX_BYTES: wholeNumber(1024, 1024 * 1024 * 1024).default(10 * 1024 * 1024),
  FETCH_MAX_REDIRECTS: wholeNumber(0, 20).default(5),
  FETCH_USER_AGENT: z.string().min(1).max(500).optional(),
  FETCH_PER_HOST_CONCURRENCY: wholeNumber(1, 100).default(2),
  FETCH_INTERVAL_DEFAULT_MINUTES: wholeNumber(1, 43_200).default(30),
  FETCH_PAUSE_AFTER_FAILURES: wholeNumber(1, 1000).default(10),
  INGEST_ARTICLE_PAGES: booleanFromEnv.default(true),
  INGEST_MAX_PAGES_PER_RUN: wholeNumber(0, 10_000).default(30),
  INGEST_BATCH_SIZE: wholeNumber(1, 10_000).default(100),
  WORKER_ENABLED: booleanFromEnv.default(true),
  WORKER_CONCURRENCY: wholeNumber(1, 100).default(4),
  WORKER_POLL_INTERVAL_SECONDS: wholeNumber(1, 3600).default(30),
  WEBHOOK_TIMEOUT_MS: wholeNumber(100, 60_000).default(10_000),
  WEBHOOK_RETRY_BASE_MS: wholeNumber(10, 3_600_000).default(5_000),
  WEBHOOK_FAILURE_WINDOW_SECONDS: wholeNumber(1, 30 * 86_400).default(86_400),
  WEBHOOK_ACTIVATION_CHECK_SECONDS: wholeNumber(0, 3_600).default(60),
  REDIS_URL: redisUrl.optional(),
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('newsgate:'),
  RATE_LIMIT_ANONYMOUS_PER_SECOND: positiveInt(1_000_000).default(DEFAULT_LIMITS.anonymous.perSecond),
  RATE_LIMIT_ANONYMOUS_BURST: positiveInt(10_000_000).default(DEFAULT_LIMITS.anonymous.burst),
  RATE_LIMIT_PARTNER_PER_SECOND: positiveInt(1_000_000).default(DEFAULT_LIMITS.partner.perSecond),
  RATE_LIMIT_PARTNER_BURST: positiveInt(10_000_000).default(DEFAULT_LIMITS.partner.burst),
  GRAPHQL_MAX_DEPTH: positiveInt(100).default(10),
  GRAPHQL_MAX_COST: positiveInt(1_000_000).default(DEFAULT_LIMITS.maxCost),
  GRAPHQL_MAX_ALIASES: positiveInt(1_000).default(20),
  GRAPHQL_MAX_TOKENS: positiveInt(100_000).default(2_000),
  GRAPHQL_MAX_DIRECTIVES: positiveInt(1_000).default(10),
  GRAPHQL_BATCHING: booleanFromEnv.default(false),
  PERSISTED_QUERY_MAX_LENGTH: positiveInt(1_000_000).default(10_000),
  PERSISTED_QUERY_TTL_ANONYMOUS_SECONDS: positiveInt(30 * 24 * 3600).default(3600),
  PERSISTED_QUERY_TTL_PARTNER_SECONDS: positiveInt(30 * 24 * 3600).default(24 * 3600),
  PERSISTED_QUERY_REGISTRATIONS_ANONYMOUS_PER_HOUR: positiveInt(1_000_000).default(60),
  PERSISTED_QUERY_REGISTRATIONS_PARTNER_PER_HOUR: positiveInt(1_000_000).default(1000),
  RESPONSE_CACHE: booleanFromEnv.default(true),
  GRAPHQL_COMPILE_AFTER: wholeNumber(0, 1_000_000).default(2),
  CORS_ORIGINS: originList.optional(),
  PUBLIC_URL: z.string().url('must be an absolute http(s) URL such as https://api.news.example').optional(),
  LIVE_MAX_CONNECTIONS_PER_ADDRESS: wholeNumber(1, 100_000).default(20),
  LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: wholeNumber(1, 1000).default(10),
  LIVE_QUEUE_LIMIT: wholeNumber(1, 100_000).default(1000),
  LIVE_KEY_CHECK_SECONDS: wholeNumber(1, 3600).default(5),
});

/** Every environment variable the gateway reads (the README's configuration table lists them all). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export interface AppConfig {
  port: number;
  host: string;
  /**
   * How long the gateway keeps an idle keep-alive connection open. Longer than the idle timeout of
   * whatever reuses connections in front of it (60 s on the common load balancers), so it is
   * always the client that closes an idle connection, never the gateway under a request the
   * client has just sent (see src/http/app.ts).
   */
  keepAliveTimeoutSeconds: number;
  /**
   * On SIGTERM, how long requests in flight may take to finish before their connections are cut
   * (orchestrators give a stopping container 10 to 30 s before SIGKILL: keep it below that).
   */
  shutdownGraceSeconds: number;
  /** Set: that Postgres server. Unset: the embedded PGlite database in dataDir. */
  databaseUrl: string | null;
  /** Embedded database folder; `memory://` keeps it in memory (tests). */
  dataDir: string;
  databasePoolSize: number;
  statementTimeoutMs: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Whether LOG_LEVEL was set: the CLI is quieter than the server unless asked otherwise. */
  logLevelExplicit: boolean;
  /** NODE_ENV=production: the explorers and introspection default to off. */
  production: boolean;
  introspection: boolean;
  /** Apollo Sandbox, embedded at GET /graphql (it loads from Apollo's servers). */
  landingPage: boolean;
  /** GraphiQL, bundled and served at /graphiql: works with no internet. */
  graphiql: boolean;
  /** Prometheus metrics at GET /metrics. */
  metrics: { enabled: boolean; /** Set: scrapers send `Authorization: Bearer <token>`. */ token: string | null };
  /** Load the bundled sample page when the embedded database is empty at start. */
  seedOnEmpty: boolean;
  trustProxy: boolean;
  /** Bearer token for admin mutations; unset means no caller is an admin. */
  adminToken: string | null;
  /** How feeds and article pages are fetched (see src/ingest/fetcher). */
  fetch: {
    /** Hosts, addresses or CIDR ranges exempt from the private-address refusal (tests, local feeds). */
    allowlist: string[];
    /** Total deadline of one fetch, redirects and body included. */
    timeoutMs: number;
    /** Body cap after decompression. */
    maxBytes: number;
    maxRedirects: number;
    /** Null: the fetcher's own, `newsgate/<version> (+<project URL>)`. */
    userAgent: string | null;
    /** Requests in flight to one host at once, across all sources. */
    perHostConcurrency: number;
  };
  /** What ingestion does with what it fetched. */
  ingest: {
    /** Interval of a source added without one. */
    defaultIntervalMinutes: number;
    /** Consecutive failed runs after which a source is paused (state FAILING), its error kept. */
    pauseAfterFailures: number;
    /** Fetch each new item's page and extract the article from it. */
    articlePages: boolean;
    /** At most this many pages per source per run (the rest are fetched on later runs). */
    maxPagesPerRun: number;
    /** Items stored per transaction. */
    batchSize: number;
  };
  /** The ingest worker (scheduler plus job handlers). */
  worker: {
    /** Run the worker inside `npm start` beside the API. */
    enabled: boolean;
    /** Sources fetched at once by one worker process. */
    concurrency: number;
    /** How often due sources are looked for. */
    pollIntervalSeconds: number;
    /** `newsgate worker` serves /healthz and /metrics on this port when set. */
    httpPort: number | null;
  };
  /** Outbound webhooks (src/webhook/). */
  webhooks: {
    /** Deadline of one delivery attempt: connect, request and answer. */
    timeoutMs: number;
    /** Delay before the first retry; each later one doubles (up to an hour), with jitter. */
    retryBaseMs: number;
    /** A message is retried this long after it was created; a webhook failing this long is disabled. */
    failureWindowSeconds: number;
    /**
     * How often a process without enabled webhooks looks for one created through another gateway,
     * and on Postgres one delivering looks for messages a gateway that died left without a job
     * (one statement each time); 0: only at start and when one is created through this process.
     */
    activationCheckSeconds: number;
  };
  /** Set: rate limits, the response cache and persisted queries are shared through this Redis. */
  redisUrl: string | null;
  /** Prefix of every Redis key this gateway writes, so several deployments (or tests) can share one Redis. */
  redisKeyPrefix: string;
  /** Token buckets charged by query cost: refill per second and capacity (RateLimit-Limit; at least perSecond), per client address / per key. */
  rateLimits: {
    anonymous: { perSecond: number; burst: number };
    partner: { perSecond: number; burst: number };
  };
  /** Per-operation limits checked before execution (graphql-armor). */
  graphqlLimits: { maxDepth: number; maxCost: number; maxAliases: number; maxTokens: number; maxDirectives: number };
  /** Accept a JSON array of operations in one request. */
  batching: boolean;
  /**
   * What a caller may register as an automatic persisted query (syndication/persisted-queries.ts):
   * anonymous registrations filled Redis with thousands of padded queries kept for a day.
   */
  persistedQueries: {
    /** Longest query text that is stored (the client's own operations are under 1,000 characters). */
    maxQueryLength: number;
    /** How long a registration is kept, by who registered it (admins as partners). */
    ttlSeconds: { anonymous: number; partner: number };
    /** New registrations per caller (client address or key) per hour; beyond, queries run unstored. */
    registrationsPerHour: { anonymous: number; partner: number };
  };
  /** Cache whole responses of anonymous and partner reads (in Redis when configured). */
  responseCache: boolean;
  /**
   * After how many requests a query document is compiled into one SQL statement (src/http/
   * compiled-operations.ts); 0 turns the compiled path off, 1 compiles on first sight.
   */
  compileAfter: number;
  /** Browser origins allowed without a key (partners' origins are configured on their keys). */
  corsOrigins: string[];
  /** Public base URL of the gateway, for absolute links in feeds; derived from each request when unset. */
  publicUrl: string | null;
  /** GraphQL subscriptions over WebSocket (src/http/subscriptions.ts). */
  live: {
    /** Open WebSocket connections one client address may hold; more are closed with 4429. */
    maxConnectionsPerAddress: number;
    /** Subscriptions running at once on one connection; more are refused with TOO_MANY_SUBSCRIPTIONS. */
    maxSubscriptionsPerConnection: number;
    /**
     * A subscription's backlog that makes its consumer slow: when the next news event comes and
     * this many items of earlier events still wait for it, its connection is closed (4413). An
     * event is queued whole, so one larger than this reaches a consumer that keeps up; a queue
     * holds at most this - 1 items plus one event's (at most 150).
     */
    queueLimit: number;
    /** How often the partner keys of open connections are checked; a revoked key's connections close (4403). */
    keyCheckSeconds: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // An empty variable means "not set": `DATABASE_URL= npm start` should pick the embedded default.
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const given = present[name];
        const shown = given === undefined || SECRET_VARIABLES.has(name) ? '' : ` (got "${given}")`;
        return `${name} ${issue.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  return {
    port: e.PORT,
    host: e.HOST,
    keepAliveTimeoutSeconds: e.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.DATA_DIR === 'memory://' ? e.DATA_DIR : path.resolve(e.DATA_DIR),
    databasePoolSize: e.DATABASE_POOL_SIZE,
    statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    logLevelExplicit: 'LOG_LEVEL' in present,
    production,
    // Explicit, never Apollo's own guess from NODE_ENV: a developer exploring the API
    // gets everything, a production deployment exposes nothing it did not ask for.
    introspection: e.GRAPHQL_INTROSPECTION ?? !production,
    landingPage: e.GRAPHQL_LANDING_PAGE ?? !production,
    graphiql: e.GRAPHIQL ?? !production,
    metrics: { enabled: e.METRICS, token: e.METRICS_TOKEN ?? null },
    seedOnEmpty: e.SEED_ON_EMPTY,
    trustProxy: e.TRUST_PROXY,
    adminToken: e.ADMIN_TOKEN ?? null,
    fetch: {
      allowlist: e.FETCH_ALLOWLIST ?? [],
      timeoutMs: e.FETCH_TIMEOUT_MS,
      maxBytes: e.FETCH_MAX_BYTES,
      maxRedirects: e.FETCH_MAX_REDIRECTS,
      userAgent: e.FETCH_USER_AGENT ?? null,
      perHostConcurrency: e.FETCH_PER_HOST_CONCURRENCY,
    },
    ingest: {
      defaultIntervalMinutes: e.FETCH_INTERVAL_DEFAULT_MINUTES,
      pauseAfterFailures: e.FETCH_PAUSE_AFTER_FAILURES,
      articlePages: e.INGEST_ARTICLE_PAGES,
      maxPagesPerRun: e.INGEST_MAX_PAGES_PER_RUN,
      batchSize: e.INGEST_BATCH_SIZE,
    },
    worker: {
      enabled: e.WORKER_ENABLED,
      concurrency: e.WORKER_CONCURRENCY,
      pollIntervalSeconds: e.WORKER_POLL_INTERVAL_SECONDS,
      httpPort: e.WORKER_HTTP_PORT ?? null,
    },
    webhooks: {
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      failureWindowSeconds: e.WEBHOOK_FAILURE_WINDOW_SECONDS,
      activationCheckSeconds: e.WEBHOOK_ACTIVATION_CHECK_SECONDS,
    },
    redisUrl: e.REDIS_URL ?? null,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    rateLimits: {
      anonymous: { perSecond: e.RATE_LIMIT_ANONYMOUS_PER_SECOND, burst: e.RATE_LIMIT_ANONYMOUS_BURST },
      partner: { perSecond: e.RATE_LIMIT_PARTNER_PER_SECOND, burst: e.RATE_LIMIT_PARTNER_BURST },
    },
    graphqlLimits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
    },
    batching: e.GRAPHQL_BATCHING,
    persistedQueries: {
      maxQueryLength: e.PERSISTED_QUERY_MAX_LENGTH,
      ttlSeconds: { anonymous: e.PERSISTED_QUERY_TTL_ANONYMOUS_SECONDS, partner: e.PERSISTED_QUERY_TTL_PARTNER_SECONDS },
      registrationsPerHour: { anonymous: e.PERSISTED_QUERY_REGISTRATIONS_ANONYMOUS_PER_HOUR, partner: e.PERSISTED_QUERY_REGISTRATIONS_PARTNER_PER_HOUR },
    },
    responseCache: e.RESPONSE_CACHE,
    compileAfter: e.GRAPHQL_COMPILE_AFTER,
    corsOrigins: e.CORS_ORIGINS ?? [],
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
    live: {
      maxConnectionsPerAddress: e.LIVE_MAX_CONNECTIONS_PER_ADDRESS,
      maxSubscriptionsPerConnection: e.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      queueLimit: e.LIVE_QUEUE_LIMIT,
      keyCheckSeconds: e.LIVE_KEY_CHECK_SECONDS,
    },
  };
}

/** loadConfig for entry points: a bad configuration prints its problems and exits with status 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}
