import { createHash } from 'node:crypto';
import { Command } from 'commander';
import { seed } from '../../src/seed/seed';
import { registerKeyCommands } from '../../src/cli/api-key.commands';
import { usingPostgresServer } from '../support/database';
import { startTestApp, type TestApp } from '../support/test-app';
import { ADMIN_TOKEN, admin, countingSql, postJson, queryHash, startExtraGateway } from '../support/syndication';

/** Partner API keys: created, used, refused when wrong or revoked; admin-only by every route; CORS per key. */
describe('partner API keys', () => {
  let app: TestApp;
  const CREATE = 'mutation Create($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id keyId name allowedOrigins allowedOperations revokedAt } } }';
  const SIDEBAR = '{ latestFeed(first: 3) { edges { node { headline } } } }';

  async function createKey(input: Record<string, unknown>): Promise<{ secret: string; id: string; keyId: string }> {
    const res = await app.gql(CREATE, { input }, admin);
    expect(res.errors).toBeUndefined();
    const { secret, apiKey } = res.data!.createApiKey;
    return { secret, id: apiKey.id, keyId: apiKey.keyId };
  }

  beforeAll(async () => {
    app = await startTestApp({ adminToken: ADMIN_TOKEN, corsOrigins: ['https://public.example'] });
    await seed(app.db);
  });
  afterAll(() => app?.close());

  it('creates a key shown once and stores only its hash', async () => {
    const res = await app.gql(CREATE, { input: { name: '  Partner\u0301 One ', allowedOrigins: ['https://partner.example'] } }, admin);
    expect(res.errors).toBeUndefined();
    const { secret, apiKey } = res.data!.createApiKey;
    expect(secret).toMatch(/^ngk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(`ngk_${apiKey.keyId}_`)).toBe(true);
    expect(apiKey.name).toBe('Partner\u0301 One'.normalize('NFC'));
    expect(apiKey.revokedAt).toBeNull();

    const rows = await app.db.manager.query('SELECT * FROM api_key WHERE id = $1', [apiKey.id]);
    expect(rows[0].secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    // The random part (base64url, so it may itself hold '_') never reaches the table.
    expect(JSON.stringify(rows)).not.toContain(secret.slice('ngk_'.length + 16 + 1));

    const list = await app.gql('{ apiKeys { id keyId name } }', {}, admin);
    expect(list.data!.apiKeys.map((k: { id: string }) => k.id)).toContain(apiKey.id);
    expect(list.raw).not.toContain(secret);
    expect(list.headers.get('cache-control')).toBe('no-store');
  });

  it('lets a partner read with the X-Api-Key header, under the partner limits', async () => {
    const { secret } = await createKey({ name: 'Reader' });
    const res = await app.gql(SIDEBAR, {}, { 'x-api-key': secret });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data!.latestFeed.edges).toHaveLength(3);
    expect(res.headers.get('ratelimit-limit')).toBe(String(app.database.config.rateLimits.partner.burst));
  });

  it('refuses a wrong key with 401 UNAUTHENTICATED, a malformed one without any SQL', async () => {
    const { secret } = await createKey({ name: 'Wrong' });
    const tampered = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    const wrong = await app.gql(SIDEBAR, {}, { 'x-api-key': tampered });
    expect(wrong.status).toBe(401);
    expect(wrong.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(wrong.data ?? undefined).toBeUndefined();
    const { statements, result } = await countingSql(() => app.gql(SIDEBAR, {}, { 'x-api-key': 'not-a-key' }));
    expect(result.status).toBe(401);
    expect(statements).toBe(0);
  });

  it('stops a key the moment it is revoked, on every gateway sharing the database', async () => {
    const { secret, id } = await createKey({ name: 'Revoked' });
    const other = await startExtraGateway(app, {});
    try {
      expect((await postJson(`${other.url}/graphql`, { query: SIDEBAR }, { 'x-api-key': secret })).status).toBe(200);
      const revoked = await app.gql('mutation R($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }', { id }, admin);
      expect(revoked.data!.revokeApiKey.revokedAt).not.toBeNull();
      for (const url of [app.url, other.url]) {
        const res = await postJson(`${url}/graphql`, { query: SIDEBAR }, { 'x-api-key': secret });
        expect(res.status).toBe(401);
        expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      }
      expect((await fetch(`${app.url}/feeds/latest.rss?key=${secret}`)).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  describe('admin operations refuse partners by every route: FORBIDDEN', () => {
    let secret: string;
    beforeAll(async () => {
      ({ secret } = await createKey({ name: 'Intruder' }));
    });
    const forbidden = (res: { errors?: Array<{ extensions?: Record<string, unknown> }>; data?: unknown }) => {
      expect(res.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
      expect(JSON.stringify(res.data ?? null)).not.toContain('ngk_');
    };

    it('directly, aliased, and through a fragment', async () => {
      forbidden(await app.gql('mutation { createApiKey(input: { name: "x" }) { secret } }', {}, { 'x-api-key': secret }));
      forbidden(await app.gql('mutation { innocent: createApiKey(input: { name: "x" }) { secret } }', {}, { 'x-api-key': secret }));
      forbidden(await app.gql('mutation { ...M } fragment M on Mutation { createApiKey(input: { name: "x" }) { secret } }', {}, { 'x-api-key': secret }));
      forbidden(await app.gql('{ list: apiKeys { id } }', {}, { 'x-api-key': secret }));
      const [{ count }] = await app.db.manager.query(`SELECT count(*)::int AS count FROM api_key WHERE name = 'x'`);
      expect(count).toBe(0);
    });

    it('and inside a batch, where batching is enabled', async () => {
      const batching = await startExtraGateway(app, { batching: true });
      try {
        const res = await postJson(`${batching.url}/graphql`, [{ query: SIDEBAR }, { query: 'mutation { revokeApiKey(id: "00000000-0000-0000-0000-000000000000") { id } }' }], {
          'x-api-key': secret,
        });
        expect(Array.isArray(res.json)).toBe(true);
        expect(res.json[0].errors).toBeUndefined();
        forbidden(res.json[1]);
      } finally {
        await batching.close();
      }
    });

    it('and anonymous callers get UNAUTHENTICATED', async () => {
      const res = await app.gql('mutation { createApiKey(input: { name: "x" }) { secret } }');
      expect(res.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    });
  });

  it('holds a key with an allowlist to its persisted operations: OPERATION_NOT_ALLOWED, no SQL beyond reading the key', async () => {
    const { secret } = await createKey({ name: 'Allowlisted', allowedOperations: [queryHash(SIDEBAR)] });
    const extensions = { persistedQuery: { version: 1, sha256Hash: queryHash(SIDEBAR) } };
    const allowed = await postJson(`${app.url}/graphql`, { query: SIDEBAR, extensions }, { 'x-api-key': secret });
    expect(allowed.json.errors).toBeUndefined();
    const byHash = await postJson(`${app.url}/graphql`, { extensions }, { 'x-api-key': secret });
    expect(byHash.json).toEqual(allowed.json);
    const { statements, result } = await countingSql(() => postJson(`${app.url}/graphql`, { query: '{ sources { totalCount } }' }, { 'x-api-key': secret }));
    expect(result.status).toBe(403);
    expect(result.json.errors[0].extensions.code).toBe('OPERATION_NOT_ALLOWED');
    expect(statements).toBe(usingPostgresServer() ? 1 : 0);
  });

  describe('CORS per key', () => {
    let secret: string;
    beforeAll(async () => {
      ({ secret } = await createKey({ name: 'Browser partner', allowedOrigins: ['https://partner.example'] }));
    });

    it('lets the key’s own origin in, with the headers a browser needs', async () => {
      const res = await app.gql(SIDEBAR, {}, { 'x-api-key': secret, origin: 'https://partner.example' });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://partner.example');
      expect(res.headers.get('access-control-expose-headers')).toContain('ratelimit-remaining');
      expect(res.headers.get('vary')).toMatch(/origin/i);
    });

    it('refuses any other origin with the same key: ORIGIN_NOT_ALLOWED', async () => {
      const res = await app.gql(SIDEBAR, {}, { 'x-api-key': secret, origin: 'https://evil.example' });
      expect(res.status).toBe(403);
      expect(res.errors![0]!.extensions!.code).toBe('ORIGIN_NOT_ALLOWED');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('answers preflights for origins a live key or the configuration allows, and only those', async () => {
      const preflight = (origin: string) =>
        fetch(`${app.url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key, content-type' } });
      const ok = await preflight('https://partner.example');
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://partner.example');
      expect(ok.headers.get('access-control-allow-headers')).toContain('x-api-key');
      expect((await preflight('https://public.example')).status).toBe(204);
      const refused = await preflight('https://evil.example');
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('lets keyless callers in only from configured origins', async () => {
      expect((await app.gql(SIDEBAR, {}, { origin: 'https://public.example' })).status).toBe(200);
      expect((await app.gql(SIDEBAR, {}, { origin: 'https://partner.example' })).status).toBe(403);
    });
  });

  it('is managed from the command line: keys create, list, revoke', async () => {
    const lines: string[] = [];
    const program = new Command().exitOverride();
    registerKeyCommands(program, (work) => work({ db: app.db }), { log: (line) => lines.push(line) });
    await program.parseAsync(['keys', 'create', '--name', 'CLI partner', '--origin', 'https://cli.example'], { from: 'user' });
    const secret = lines.find((line) => line.startsWith('ngk_'))!;
    expect(secret).toMatch(/^ngk_[0-9a-f]{16}_/);
    expect((await app.gql(SIDEBAR, {}, { 'x-api-key': secret })).status).toBe(200);

    lines.length = 0;
    await program.parseAsync(['keys', 'list'], { from: 'user' });
    const listed = lines.find((line) => line.includes('CLI partner'))!;
    expect(listed).toContain('active');
    expect(lines.join('\n')).not.toContain(secret);

    const id = listed.split(/\s+/)[0]!;
    lines.length = 0;
    await program.parseAsync(['keys', 'revoke', id], { from: 'user' });
    expect(lines[0]).toMatch(/^Revoked .* revoked /);
    expect((await app.gql(SIDEBAR, {}, { 'x-api-key': secret })).status).toBe(401);
  });
});
