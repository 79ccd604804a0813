import { seed } from '../../src/seed/seed';
import { NewsgateClient, NewsgateError } from '../../src/client';
import { freePort } from '../support/free-port';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';

/**
 * The typed client (src/client) against the running gateway: every operation an app runs, in the
 * order a reader meets them. A schema change that breaks one of these documents fails codegen's
 * check and the compilation of this file before it fails here.
 */
describe('the typed client against the gateway', () => {
  let app: TestApp;
  let client: NewsgateClient;

  beforeAll(async () => {
    app = await startTestApp(e2eConfig());
    client = new NewsgateClient({ url: `${app.url}/graphql` });
    await seed(app.db);
  });
  afterAll(() => app?.close());

  it('walks search → article page → person page → source page on the Bengali sample', async () => {
    // পুতিন finds the article that only says পুতিনের ("Putin's").
    const results = await client.searchArticles({ query: 'পুতিন' });
    expect(results.totalCount).toBe(1);
    const card = results.edges[0]!.node;
    expect(card.title).toContain('পাকিস্তান-রাশিয়ার');
    expect(card.language).toBe('bn');

    const { article, latestFeed } = await client.articlePage({ slug: card.slug, sidebar: 5 });
    expect(article?.id).toBe(card.id);
    expect(article?.byline).toBe('এসএস/এসএন');
    expect(article?.citedSources.map((s) => s.name)).toContain('TRT World');
    expect(latestFeed.edges).toHaveLength(5);
    const putin = article!.mentions.find((m) => m.person.aliases.includes('পুতিন'))!.person;

    const person = await client.personPage({ slug: putin.slug, role: 'MENTIONED' });
    expect(person?.name).toBe(putin.name);
    expect(person?.articles.edges.map((e) => e.node.id)).toEqual([card.id]);

    const source = await client.sourcePage({ slug: card.source.slug, headlines: 3 });
    expect(source?.name).toBe(card.source.name);
    expect(source?.latestFeed.edges).toHaveLength(3);
    expect(source?.articles.totalCount).toBe(1);
  });

  it('answers null for a slug nobody has, rather than failing', async () => {
    expect(await client.personPage({ slug: 'nobody-at-all' })).toBeNull();
    expect(await client.sourcePage({ slug: 'no-such-source' })).toBeNull();
    expect((await client.articlePage({ slug: 'no-such-article' })).article).toBeNull();
  });

  it('sends queries as cacheable GETs when asked, passing CSRF prevention', async () => {
    let seen: { method: string; url: string; cacheControl: string | null } | null = null;
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      seen = { method: init?.method ?? 'GET', url: input instanceof Request ? input.url : input.toString(), cacheControl: response.headers.get('cache-control') };
      return response;
    };
    const getClient = new NewsgateClient({ url: `${app.url}/graphql`, getForQueries: true, fetch: recording });
    const feed = await getClient.latestFeed({ first: 2 });
    expect(feed.edges).toHaveLength(2);
    expect(seen).toMatchObject({ method: 'GET', cacheControl: expect.stringMatching(/max-age=\d+/) });
    expect(seen!.url).toContain('operationName=Sidebar');
  });

  it('throws a NewsgateError carrying the gateway’s code for bad input', async () => {
    const error = await client.latestFeed({ after: 'not-a-cursor' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NewsgateError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', status: 200 });
  });

  it('throws RATE_LIMITED with the wait the gateway asks for', async () => {
    const limited = await startTestApp(e2eConfig({ RATE_LIMIT_ANONYMOUS_PER_SECOND: '1', RATE_LIMIT_ANONYMOUS_BURST: '30' }));
    try {
      const tight = new NewsgateClient({ url: `${limited.url}/graphql` });
      let error: unknown;
      for (let attempt = 0; attempt < 10 && !error; attempt++) {
        error = await tight.latestFeed({ first: 20 }).then(() => undefined, (e: unknown) => e);
      }
      expect(error).toMatchObject({ name: 'NewsgateError', code: 'RATE_LIMITED', status: 429 });
      expect((error as NewsgateError).retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('reports a gateway it cannot reach as NETWORK_ERROR', async () => {
    const port = await freePort();
    const nowhere = new NewsgateClient({ url: `http://127.0.0.1:${port}/graphql`, timeoutMs: 2000 });
    await expect(nowhere.latestFeed()).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });
});
