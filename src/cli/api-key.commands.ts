import type { Command } from 'commander';
import { withCliContext, type CliContext } from './cli-context';
import { ApiKeyRepository } from '../api-key/api-key.repository';
import { keyRevocationSignal } from '../api-key/api-key.revocations';
import { ApiKeyService } from '../api-key/api-key.service';
import type { ApiKeyRecord } from '../api-key/api-key.record';
import { connectRedis } from '../cache/redis';

/** Runs a command with a configured database; tests pass one over their own database. */
export type CliRunner = <T>(work: (ctx: Pick<CliContext, 'db'> & Partial<Pick<CliContext, 'config' | 'logger'>>) => Promise<T>) => Promise<T>;

/** With REDIS_URL, a revocation from here also reaches the gateways' remembered keys at once. */
async function withKeyService<T>(ctx: Parameters<Parameters<CliRunner>[0]>[0], work: (service: ApiKeyService) => Promise<T>): Promise<T> {
  const service = new ApiKeyService(new ApiKeyRepository(ctx.db));
  const redis = ctx.config?.redisUrl && ctx.logger ? await connectRedis(ctx.config.redisUrl, ctx.logger) : null;
  const signal = keyRevocationSignal({ redis, redisKeyPrefix: ctx.config?.redisKeyPrefix ?? '', databaseUrl: ctx.config?.databaseUrl ?? null, db: ctx.db });
  if (signal) service.shareRevocations(signal);
  try {
    return await work(service);
  } finally {
    redis?.disconnect();
  }
}

export interface KeyCommandOutput {
  /** Results, for scripts (stdout). */
  log(line: string): void;
  /** Messages for a person (stderr); `log` when not given. */
  info?(line: string): void;
}

/** What --json prints of a key: never its hash. */
function asJson(key: ApiKeyRecord) {
  const { __typename: _type, secretHash: _hash, ...shown } = key;
  return shown;
}

function describe(key: ApiKeyRecord): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
  const origins = key.allowedOrigins.length > 0 ? key.allowedOrigins.join(' ') : '-';
  const operations = key.allowedOperations ? `${key.allowedOperations.length} allowed operation(s)` : 'any operation';
  return `${key.id}  ngk_${key.keyId}_…  ${key.name}  ${state}  origins: ${origins}  ${operations}  created ${key.createdAt.toISOString()}`;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `newsgate keys create --name <partner>`, `keys list`, `keys revoke <id>`: the same service as the
 * admin mutations. The secret is printed once, on its own line, so it can be piped; it is never
 * stored or logged.
 */
export function registerKeyCommands(
  program: Command,
  run: CliRunner = withCliContext,
  out: KeyCommandOutput = { log: (line) => console.log(line), info: (line) => console.error(line) },
): void {
  const info = (line: string) => (out.info ?? out.log)(line);
  const keys = program.command('keys').description('partner API keys: create, list and revoke them');
  keys
    .command('create')
    .description('issue a key to a partner and print it (shown this once)')
    .requiredOption('--name <partner>', 'the partner the key is for')
    .option('--origin <origin>', 'a browser origin allowed to call with the key (repeatable)', collect, [])
    .option('--allow-operation <sha256>', 'restrict the key to this persisted operation (repeatable)', collect, [])
    .option('--json', 'print the key and its secret as one JSON object')
    .action((options: { name: string; origin: string[]; allowOperation: string[]; json?: boolean }) =>
      run((ctx) => withKeyService(ctx, async (service) => {
        const { apiKey, secret } = await service.create({
          name: options.name,
          allowedOrigins: options.origin,
          allowedOperations: options.allowOperation.length > 0 ? options.allowOperation : null,
        });
        if (options.json) {
          out.log(JSON.stringify({ ...asJson(apiKey), secret }, null, 2));
          return;
        }
        // Only the secret on stdout: `KEY=$(newsgate keys create --name …)`.
        info(`Created ${describe(apiKey)}`);
        info('The key (shown once; only its hash is stored):');
        out.log(secret);
      })),
    );
  keys
    .command('list')
    .description('list every key, newest first (never the secrets)')
    .option('--json', 'print a JSON array (id, keyId, name, allowedOrigins, allowedOperations, createdAt, revokedAt)')
    .action((options: { json?: boolean }) =>
      run((ctx) => withKeyService(ctx, async (service) => {
        const all = await service.list();
        if (options.json) {
          out.log(JSON.stringify(all.map(asJson), null, 2));
          return;
        }
        if (all.length === 0) info('No API keys.');
        for (const key of all) out.log(describe(key));
      })),
    );
  keys
    .command('revoke <id>')
    .description('revoke a key by its id (from `keys list`): it stops working at once; exit code 4 when no key has this id')
    .action((id: string) =>
      run((ctx) => withKeyService(ctx, async (service) => {
        const key = await service.revoke(id);
        out.log(`Revoked ${describe(key)}`);
      })),
    );
}
