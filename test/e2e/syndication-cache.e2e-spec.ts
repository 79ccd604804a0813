import { upsertFeedItems } from '../../src/feed-item/feed-item.repository';
import { seed } from '../../src/seed/seed';
import { usingPostgresServer } from '../support/database';
import { startTestApp, type TestApp } from '../support/test-app';
import { ADMIN_TOKEN, admin, countingSql } from '../support/syndication';
import type { JsonFeedBody } from '../support/json-bodies';

/** Caching: cache hints, the response cache (a hit runs no SQL), GET for CDNs, invalidation by new items. */
const SIDEBAR = '{ latestFeed(first: 5) { totalCount edges { node { headline source { name } } } } }';

async function addHeadline(app: TestApp, headline: string): Promise<void> {
  const [source] = await app.db.manager.query(`SELECT id FROM source WHERE slug = 'sample-bengali-publisher'`);
  await app.db.transaction((manager) =>
    upsertFeedItems(manager, source.id, [
      { itemKey: `new:${headline}`, headline, url: null, imageUrl: null, language: 'bn', publishedAt: new Date('2031-01-01T00:00:00Z'), position: 1, articleId: null },
    ]),
  );
}

describe('response cache', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ adminToken: ADMIN_TOKEN });
    await seed(app.db);
  });
  afterAll(() => app?.close());

  it('serves a repeated anonymous sidebar from the cache without running SQL, with the headlines’ max-age', async () => {
    const first = await countingSql(() => app.gql(SIDEBAR));
    expect(first.result.errors).toBeUndefined();
    expect(first.statements).toBeGreaterThan(0);
    expect(first.result.headers.get('cache-control')).toBe('max-age=60, public');
    const hit = await countingSql(() => app.gql(SIDEBAR));
    expect(hit.statements).toBe(0);
    expect(hit.result.headers.get('age')).not.toBeNull();
    expect(hit.result.data).toEqual(first.result.data);
  });

  it('gives catalogue data a longer max-age than headlines', async () => {
    const res = await app.gql('{ sources(first: 3) { edges { node { name } } } }');
    expect(res.headers.get('cache-control')).toBe('max-age=300, public');
  });

  it('shares entries between anonymous callers and partners; a partner’s hit reads the key at most', async () => {
    const created = await app.gql('mutation { createApiKey(input: { name: "Cached partner" }) { secret } }', {}, admin);
    const key = { 'x-api-key': created.data!.createApiKey.secret as string };
    await app.gql(SIDEBAR, {}, key);
    const hit = await countingSql(() => app.gql(SIDEBAR, {}, key));
    expect(hit.result.headers.get('age')).not.toBeNull();
    // The embedded database's keys are remembered (only this process can revoke them); on a
    // Postgres server without Redis no process could tell this one of a revocation, so keys are read.
    expect(hit.statements).toBe(usingPostgresServer() ? 1 : 0);
  });

  it('never caches admin reads', async () => {
    for (let i = 0; i < 2; i++) {
      const { statements, result } = await countingSql(() => app.gql('{ apiKeys { id } }', {}, admin));
      expect(statements).toBeGreaterThan(0);
      expect(result.headers.get('cache-control')).toBe('no-store');
      expect(result.headers.get('age')).toBeNull();
    }
  });

  it('ends a cached sidebar when new items are stored', async () => {
    await app.gql(SIDEBAR);
    await addHeadline(app, 'নতুন শিরোনাম');
    // Stored but not yet announced: the cache still answers (this is what invalidation is for).
    expect(JSON.stringify((await app.gql(SIDEBAR)).data)).not.toContain('নতুন শিরোনাম');
    await app.gateway.cacheInvalidation.newItemsStored();
    const fresh = await countingSql(() => app.gql(SIDEBAR));
    expect(fresh.statements).toBeGreaterThan(0);
    expect(fresh.result.data!.latestFeed.edges[0].node.headline).toBe('নতুন শিরোনাম');
  });

  it('ends cached feeds too, with a new ETag', async () => {
    const before = await fetch(`${app.url}/feeds/latest.json`);
    const etag = before.headers.get('etag');
    const cached = await countingSql(() => fetch(`${app.url}/feeds/latest.json`));
    expect(cached.statements).toBe(0);
    const [source] = await app.db.manager.query(`SELECT id FROM source WHERE slug = 'bbc'`);
    await app.db.transaction((manager) =>
      upsertFeedItems(manager, source.id, [
        { itemKey: 'url:brand-new', headline: 'Brand new story', url: 'https://bbc.example/new', imageUrl: null, language: 'en', publishedAt: new Date('2031-02-01T00:00:00Z'), position: 1, articleId: null },
      ]),
    );
    await app.gateway.cacheInvalidation.newItemsStored();
    const after = await fetch(`${app.url}/feeds/latest.json`, { headers: { 'if-none-match': etag! } });
    expect(after.status).toBe(200);
    expect(((await after.json()) as JsonFeedBody).items[0]!.title).toBe('Brand new story');
  });

  it('answers queries over GET for CDNs, cacheable, and refuses mutations over GET', async () => {
    const url = `${app.url}/graphql?query=${encodeURIComponent(SIDEBAR)}`;
    const headers = { 'apollo-require-preflight': 'true' };
    const first = await fetch(url, { headers });
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('max-age=60, public');
    const hit = await countingSql(() => fetch(url, { headers }));
    expect(hit.result.status).toBe(200);
    expect(hit.statements).toBe(0);
    const mutation = await fetch(`${app.url}/graphql?query=${encodeURIComponent('mutation { revokeApiKey(id: "x") { id } }')}`, { headers });
    expect(mutation.status).toBe(405);
  });
});

describe('seeding ends cached responses', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('announces what it stored once it has committed', async () => {
    expect((await app.gql(SIDEBAR)).data!.latestFeed.totalCount).toBe(0);
    await seed(app.db, undefined, { invalidation: app.gateway.cacheInvalidation });
    expect((await app.gql(SIDEBAR)).data!.latestFeed.totalCount).toBeGreaterThan(0);
  });
});

describe('without the response cache', () => {
  it('runs every read (RESPONSE_CACHE=false)', async () => {
    const app = await startTestApp({ responseCache: false });
    try {
      await app.gql(SIDEBAR);
      const again = await countingSql(() => app.gql(SIDEBAR));
      expect(again.statements).toBeGreaterThan(0);
      // Cache-Control still lets a CDN cache it.
      expect(again.result.headers.get('cache-control')).toBe('max-age=60, public');
    } finally {
      await app.close();
    }
  });
});
