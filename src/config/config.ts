import path from 'node:path';
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
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'ADMIN_TOKEN', 'REDIS_URL']);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  PORT: port.default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(5000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  GRAPHQL_INTROSPECTION: booleanFromEnv.default(true),
  GRAPHQL_LANDING_PAGE: booleanFromEnv.default(true),
  SEED_ON_EMPTY: booleanFromEnv.default(true),
  TRUST_PROXY: booleanFromEnv.default(false),
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters (use a random secret, e.g. `openssl rand -hex 32`)').optional(),
});

export interface AppConfig {
  port: number;
  host: string;
  /** Set: that Postgres server. Unset: the embedded PGlite database in dataDir. */
  databaseUrl: string | null;
  /** Embedded database folder; `memory://` keeps it in memory (tests). */
  dataDir: string;
  databasePoolSize: number;
  statementTimeoutMs: number;
  logLevel: (typeof LOG_LEVELS)[number];
  introspection: boolean;
  landingPage: boolean;
  /** Load the bundled sample page when the embedded database is empty at start. */
  seedOnEmpty: boolean;
  trustProxy: boolean;
  /** Bearer token for admin mutations; unset means no caller is an admin. */
  adminToken: string | null;
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
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.DATA_DIR === 'memory://' ? e.DATA_DIR : path.resolve(e.DATA_DIR),
    databasePoolSize: e.DATABASE_POOL_SIZE,
    statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    introspection: e.GRAPHQL_INTROSPECTION,
    landingPage: e.GRAPHQL_LANDING_PAGE,
    seedOnEmpty: e.SEED_ON_EMPTY,
    trustProxy: e.TRUST_PROXY,
    adminToken: e.ADMIN_TOKEN ?? null,
  };
}
