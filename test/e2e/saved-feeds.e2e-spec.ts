import { XMLParser } from 'fast-xml-parser';
import { seed } from '../../src/seed/seed';
import { startTestApp, type TestApp } from '../support/test-app';
import { ADMIN_TOKEN, admin } from '../support/syndication';
import { sampleFromFile } from '../support/sample-text';

/**
 * Saved feeds (issue 12 §2): a partner key saves a filter of the latest headlines and gets its
 * own feed URLs. Created, listed and deleted through GraphQL by partners, an admin, anonymous
 * callers and another partner; served at /feeds/saved/<id>.{rss,atom,json} from the sample data
 * with the filter applied, with ETag/304, Cache-Control and ?key=; a deleted feed and a revoked
 * key's feed are 404.
 */
describe('saved feeds', () => {
  const PUBLIC_URL = 'https://news.example';
  const PUTIN = 'পুতিন';
  const expected = sampleFromFile().headlines.filter((headline) => headline.includes(PUTIN));
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => ['item', 'entry', 'link'].includes(name) });
  const CREATE = `mutation Create($input: CreateSavedFeedInput!) {
    createSavedFeed(input: $input) { id name createdAt rssUrl atomUrl jsonUrl filter { sourceIds personIds language search } }
  }`;
  const LIST = '{ savedFeeds(first: 100) { totalCount edges { node { id name } } } }';
  const DELETE = 'mutation Delete($id: ID!) { deleteSavedFeed(id: $id) { savedFeedId } }';
  let app: TestApp;
  let partnerA: string;
  let partnerB: string;
  let sourceId: string;

  async function createKey(name: string): Promise<{ secret: string; id: string }> {
    const res = await app.gql('mutation Key($name: String!) { createApiKey(input: { name: $name }) { secret apiKey { id } } }', { name }, admin);
    expect(res.errors).toBeUndefined();
    return { secret: res.data!.createApiKey.secret, id: res.data!.createApiKey.apiKey.id };
  }

  const as = (secret: string) => ({ 'x-api-key': secret });

  async function create(input: Record<string, unknown>, headers: Record<string, string>) {
    return app.gql(CREATE, { input }, headers);
  }

  async function createOk(input: Record<string, unknown>, headers: Record<string, string>) {
    const res = await create(input, headers);
    expect(res.errors).toBeUndefined();
    return res.data!.createSavedFeed as { id: string; name: string; rssUrl: string; atomUrl: string; jsonUrl: string; filter: Record<string, unknown> };
  }

  /** A saved feed's URL on the test server (the answer's URLs carry PUBLIC_URL). */
  const local = (url: string) => url.replace(PUBLIC_URL, app.url);

  beforeAll(async () => {
    app = await startTestApp({ adminToken: ADMIN_TOKEN, publicUrl: PUBLIC_URL });
    await seed(app.db);
    [partnerA, partnerB] = (await Promise.all([createKey('Partner A'), createKey('Partner B')])).map((k) => k.secret);
    const source = await app.gql('{ source(slug: "sample-bengali-publisher") { id } }');
    sourceId = source.data!.source.id;
  });
  afterAll(() => app?.close());

  it('creates a feed for the calling key: a Node with the filter echoed and absolute URLs under PUBLIC_URL', async () => {
    const feed = await createOk({ name: '  Putin\u0301 news ', filter: { sourceIds: ['sample-bengali-publisher'], language: 'BN', search: ` ${PUTIN} ` } }, as(partnerA));
    expect(feed.name).toBe('Putin\u0301 news'.normalize('NFC'));
    expect(Buffer.from(feed.id, 'base64').toString()).toMatch(/^SavedFeed:[0-9a-f-]{36}$/);
    expect(feed.filter).toEqual({ sourceIds: [sourceId], personIds: [], language: 'bn', search: PUTIN });
    expect(feed.rssUrl).toBe(`${PUBLIC_URL}/feeds/saved/${feed.id}.rss`);
    expect(feed.atomUrl).toBe(`${PUBLIC_URL}/feeds/saved/${feed.id}.atom`);
    expect(feed.jsonUrl).toBe(`${PUBLIC_URL}/feeds/saved/${feed.id}.json`);
    // Refetched by its owner through node(id:), never cached; another key does not see it.
    const node = await app.gql('query N($id: ID!) { node(id: $id) { id ... on SavedFeed { name } } }', { id: feed.id }, as(partnerA));
    expect(node.data!.node).toEqual({ id: feed.id, name: feed.name });
    expect(node.headers.get('cache-control')).toBe('no-store');
    const other = await app.gql('query N($id: ID!) { node(id: $id) { id } }', { id: feed.id }, as(partnerB));
    expect(other.data!.node).toBeNull();
    const anonymous = await app.gql('query N($id: ID!) { node(id: $id) { id } }', { id: feed.id });
    expect(anonymous.data!.node).toBeNull();
  });

  it('lists a key’s own feeds only, every feed to an admin, none to anonymous callers', async () => {
    const a = await createOk({ name: 'A only', filter: {} }, as(partnerA));
    const b = await createOk({ name: 'B only', filter: { language: 'en' } }, as(partnerB));
    const byAdmin = await createOk({ name: 'Admin', filter: {} }, admin);
    const ids = async (headers: Record<string, string>) => {
      const res = await app.gql(LIST, {}, headers);
      expect(res.errors).toBeUndefined();
      expect(res.headers.get('cache-control')).toBe('no-store');
      return res.data!.savedFeeds.edges.map((e: { node: { id: string } }) => e.node.id) as string[];
    };
    const ofA = await ids(as(partnerA));
    expect(ofA).toContain(a.id);
    expect(ofA).not.toContain(b.id);
    expect(ofA).not.toContain(byAdmin.id);
    expect(ofA[0]).toBe(a.id); // newest first
    expect(await ids(as(partnerB))).toEqual([b.id]);
    expect(await ids(admin)).toEqual(expect.arrayContaining([a.id, b.id, byAdmin.id]));

    const anonymousList = await app.gql(LIST);
    expect(anonymousList.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const anonymousCreate = await create({ name: 'Nope', filter: {} }, {});
    expect(anonymousCreate.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(anonymousCreate.errors![0]!.message).toMatch(/X-Api-Key/);
  });

  it('deletes the caller’s own feed; another key’s is NOT_FOUND, as a missing one; an admin may delete any', async () => {
    const feed = await createOk({ name: 'Short-lived', filter: {} }, as(partnerA));
    const byOther = await app.gql(DELETE, { id: feed.id }, as(partnerB));
    expect(byOther.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const anonymous = await app.gql(DELETE, { id: feed.id });
    expect(anonymous.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const own = await app.gql(DELETE, { id: feed.id }, as(partnerA));
    expect(own.errors).toBeUndefined();
    expect(own.data!.deleteSavedFeed).toEqual({ savedFeedId: feed.id });
    const again = await app.gql(DELETE, { id: feed.id }, as(partnerA));
    expect(again.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    // The deleted feed's URLs answer 404.
    expect((await fetch(`${local(feed.rssUrl)}?key=${partnerA}`)).status).toBe(404);

    const other = await createOk({ name: 'B’s', filter: {} }, as(partnerB));
    expect((await app.gql(DELETE, { id: other.id }, admin)).errors).toBeUndefined();
    expect((await app.gql(DELETE, { id: 'not-an-id' }, as(partnerA))).errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('checks the filter as the latest feeds check their parameters, and bounds the name', async () => {
    const code = async (input: Record<string, unknown>) => {
      const res = await create(input, as(partnerA));
      // Refused whole: by the service (data null) or, for lengths, before execution (no data).
      expect(res.data ?? null).toBeNull();
      return { code: res.errors![0]!.extensions!.code, argument: res.errors![0]!.extensions!.argument };
    };
    expect(await code({ name: 'x', filter: { sourceIds: ['no-such-source'] } })).toEqual({ code: 'NOT_FOUND', argument: 'input.filter.sourceIds' });
    expect(await code({ name: 'x', filter: { personIds: ['no-such-person'] } })).toEqual({ code: 'NOT_FOUND', argument: 'input.filter.personIds' });
    // A global ID of another type names no source, as in the feeds' ?source=.
    const personId = Buffer.from('Person:00000000-0000-4000-8000-000000000000').toString('base64');
    expect(await code({ name: 'x', filter: { sourceIds: [personId] } })).toEqual({ code: 'NOT_FOUND', argument: 'input.filter.sourceIds' });
    expect((await fetch(`${app.url}/feeds/latest.rss?source=${encodeURIComponent(personId)}`)).status).toBe(404);
    expect(await code({ name: 'x', filter: { language: '!!' } })).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.filter.language' });
    expect((await code({ name: 'x', filter: { search: 'x'.repeat(201) } })).code).toBe('BAD_USER_INPUT');
    expect((await code({ name: 'x', filter: { language: 'x'.repeat(36) } })).code).toBe('BAD_USER_INPUT');
    expect((await code({ name: 'x', filter: { sourceIds: Array.from({ length: 21 }, () => 'sample-bengali-publisher') } })).code).toBe('BAD_USER_INPUT');
    expect(await code({ name: ' \u0001 ', filter: {} })).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.name' });
    expect((await code({ name: 'n'.repeat(201), filter: {} })).code).toBe('BAD_USER_INPUT');
    expect((await create({ name: 'ন'.repeat(200), filter: {} }, as(partnerA))).errors).toBeUndefined();
  });

  it('keeps at most 100 feeds per key (CONFLICT beyond)', async () => {
    const { secret, id } = await createKey('Busy partner');
    await app.db.manager.query(`INSERT INTO saved_feed (owner_key_id, name) SELECT $1, 'feed ' || n FROM generate_series(1, 99) AS n`, [id]);
    await createOk({ name: 'The hundredth', filter: {} }, as(secret));
    const over = await create({ name: 'One too many', filter: {} }, as(secret));
    expect(over.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'SAVED_FEED_LIMIT', limit: 100 });
    // Another key is not affected.
    await createOk({ name: 'Plenty of room', filter: {} }, as(partnerB));
  });

  describe('served', () => {
    let feed: { id: string; name: string; rssUrl: string; atomUrl: string; jsonUrl: string };

    beforeAll(async () => {
      feed = await createOk({ name: 'পুতিন · Putin watch', filter: { sourceIds: [sourceId], language: 'bn', search: PUTIN } }, as(partnerA));
    });

    /** Titles of the feed and its entries, read from the format as a reader would. */
    async function read(format: 'rss' | 'atom' | 'json', url: string): Promise<{ title: string; entries: string[]; self: string }> {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const body = await res.text();
      if (format === 'json') {
        const json = JSON.parse(body) as { title: string; feed_url: string; items: Array<{ title: string }> };
        return { title: json.title, entries: json.items.map((i) => i.title), self: json.feed_url };
      }
      const doc = xml.parse(body);
      if (format === 'rss') {
        const channel = doc.rss.channel;
        const self = channel['atom:link'];
        return { title: channel.title, entries: (channel.item as any[]).map((i) => i.title), self: (Array.isArray(self) ? self[0] : self)['@href'] };
      }
      return {
        title: doc.feed.title['#text'] ?? doc.feed.title,
        entries: (doc.feed.entry as any[]).map((e) => e.title['#text']),
        self: doc.feed.link.find((l: any) => l['@rel'] === 'self')['@href'],
      };
    }

    it.each(['rss', 'atom', 'json'] as const)('%s holds the sample’s headlines that match the filter, titled with the name', async (format) => {
      const url = { rss: feed.rssUrl, atom: feed.atomUrl, json: feed.jsonUrl }[format];
      const read1 = await read(format, `${local(url)}?key=${partnerA}`);
      expect(expected.length).toBeGreaterThan(0);
      expect(read1.entries).toEqual(expected);
      expect(read1.title).toBe(feed.name);
      // Its own URL, without the key.
      expect(read1.self).toBe(url);
    });

    it('is the latest feed with the stored filter', async () => {
      const latest = (await (await fetch(`${app.url}/feeds/latest.json?source=sample-bengali-publisher&language=bn&q=${encodeURIComponent(PUTIN)}`)).json()) as any;
      const saved = (await (await fetch(`${local(feed.jsonUrl)}?key=${partnerA}`)).json()) as any;
      expect(saved.items).toEqual(latest.items);
    });

    it('answers If-None-Match with 304, caches privately, takes the key as ?key= or X-Api-Key', async () => {
      const first = await fetch(local(feed.atomUrl), { headers: as(partnerA) });
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-control')).toBe('private, max-age=60');
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const again = await fetch(`${local(feed.atomUrl)}?key=${partnerA}`, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      // As the latest feeds' 304: answered from the cache, free.
      expect(again.headers.get('x-query-cost')).toBe('0');
      expect((await fetch(local(feed.atomUrl), { headers: { ...as(partnerA), 'if-none-match': '"stale"' } })).status).toBe(200);
      const body = await (await fetch(`${local(feed.rssUrl)}?key=${partnerA}`)).text();
      expect(body).not.toContain(partnerA);
    });

    it('is the owner’s: anonymous callers get 401, another key 404, an admin the feed; unknown ids 404', async () => {
      const anonymous = await fetch(local(feed.rssUrl));
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const other = await fetch(`${local(feed.rssUrl)}?key=${partnerB}`);
      expect(other.status).toBe(404);
      expect(((await other.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
      expect((await fetch(local(feed.rssUrl), { headers: admin })).status).toBe(200);
      const unknown = Buffer.from('SavedFeed:00000000-0000-4000-8000-000000000000').toString('base64');
      expect((await fetch(`${app.url}/feeds/saved/${unknown}.rss?key=${partnerA}`)).status).toBe(404);
      expect((await fetch(`${app.url}/feeds/saved/garbage.rss?key=${partnerA}`)).status).toBe(404);
      expect((await fetch(`${app.url}/feeds/saved/${feed.id}.html?key=${partnerA}`)).status).toBe(404);
    });

    it('answers a deleted feed’s conditional request with 404, not 304', async () => {
      const doomed = await createOk({ name: 'Doomed', filter: { language: 'bn' } }, as(partnerA));
      const first = await fetch(`${local(doomed.rssUrl)}?key=${partnerA}`);
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      expect((await fetch(`${local(doomed.rssUrl)}?key=${partnerA}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
      expect((await app.gql(DELETE, { id: doomed.id }, as(partnerA))).errors).toBeUndefined();
      expect((await fetch(`${local(doomed.rssUrl)}?key=${partnerA}`, { headers: { 'if-none-match': etag } })).status).toBe(404);
    });

    it('serves an admin’s feed to anyone, publicly cacheable', async () => {
      const open = await createOk({ name: 'Bengali', filter: { language: 'bn' } }, admin);
      const res = await fetch(local(open.jsonUrl));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=60');
      expect(((await res.json()) as any).items.map((i: { title: string }) => i.title)).toEqual(sampleFromFile().headlines);
    });

    it('stops serving a revoked key’s feeds, to everyone', async () => {
      const key = await createKey('Leaving partner');
      const leaving = await createOk({ name: 'Soon gone', filter: {} }, as(key.secret));
      expect((await fetch(`${local(leaving.rssUrl)}?key=${key.secret}`)).status).toBe(200);
      const revoked = await app.gql('mutation R($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: key.id }, admin);
      expect(revoked.errors).toBeUndefined();
      expect((await fetch(`${local(leaving.rssUrl)}?key=${key.secret}`)).status).toBe(401);
      const byAdmin = await fetch(local(leaving.rssUrl), { headers: admin });
      expect(byAdmin.status).toBe(404);
    });
  });
});
