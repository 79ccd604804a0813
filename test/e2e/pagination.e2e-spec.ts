import { ArticleWriteRepository, articleContentHash } from '../../src/article/article-write.repository';
import { upsertFeedItems } from '../../src/feed-item/feed-item.repository';
import { normalizeForSearch } from '../../src/text/normalize';
import { FIXTURE_ARTICLE_BASE, FIXTURE_FEED_BASE, inLanguage, listedOnce, sortArticles, sortFeedItems } from '../support/fixtures';
import { useFixtureApp } from '../support/fixture-app';
import { ArticlesAfterDocument, ArticlesAndFeedAfterDocument } from '../support/generated/graphql';
import { codes, connectionAt, ok, PAGE_INFO, walk, walkIds } from './helpers';

/**
 * Relay connections and their edge cases, on every list the
 * schema has: first/after and last/before walks equal the documented order, page flags, first: 0,
 * empty lists, the cap and the default, argument errors, cursors from other lists or orders,
 * forged and garbage cursors, and ties (equal publishedAt) that must never lose or repeat an item.
 */
const ARGS = '$first: Int, $after: String, $last: Int, $before: String';
const PAGE = 'first: $first, after: $after, last: $last, before: $before';

interface ListSpec {
  name: string;
  query: string;
  path: string[];
  variables?: () => Record<string, unknown>;
  expected: () => string[];
}

const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

describe('pagination', () => {
  const suite = useFixtureApp();

  const byName = <T extends { name: string }>(items: T[]) => [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const connection = (field: string) => `{ totalCount edges { cursor node { id } } ${PAGE_INFO} }`.replace(/^/, field + ' ');

  const LISTS: ListSpec[] = [
    {
      name: 'articles (newest first)',
      query: `query(${ARGS}) { ${connection(`articles(${PAGE})`)} }`,
      path: ['articles'],
      expected: () => sortArticles(suite.fx.articles).map((a) => a.id),
    },
    {
      name: 'articles (oldest first)',
      query: `query(${ARGS}) { ${connection(`articles(${PAGE}, orderBy: OLDEST_FIRST)`)} }`,
      path: ['articles'],
      expected: () => sortArticles(suite.fx.articles, 'OLDEST_FIRST').map((a) => a.id),
    },
    {
      name: 'articles (filtered: bn)',
      query: `query(${ARGS}) { ${connection(`articles(${PAGE}, filter: { language: "bn" })`)} }`,
      path: ['articles'],
      expected: () => sortArticles(suite.fx.articles.filter((a) => inLanguage(a.language, 'bn'))).map((a) => a.id),
    },
    {
      name: 'latestFeed',
      query: `query(${ARGS}) { ${connection(`latestFeed(${PAGE})`)} }`,
      path: ['latestFeed'],
      expected: () => sortFeedItems(listedOnce(suite.fx.feedItems)).map((f) => f.id),
    },
    {
      name: 'latestFeed(sourceId:)',
      query: `query(${ARGS}, $sourceId: ID) { ${connection(`latestFeed(${PAGE}, sourceId: $sourceId)`)} }`,
      path: ['latestFeed'],
      variables: () => ({ sourceId: suite.fx.sources[1]!.id }),
      expected: () => sortFeedItems(suite.fx.feedItems.filter((f) => f.sourceId === suite.fx.sources[1]!.dbId)).map((f) => f.id),
    },
    {
      name: 'sources',
      query: `query(${ARGS}) { ${connection(`sources(${PAGE})`)} }`,
      path: ['sources'],
      expected: () => byName(suite.fx.sources).map((s) => s.id),
    },
    {
      name: 'people',
      query: `query(${ARGS}) { ${connection(`people(${PAGE})`)} }`,
      path: ['people'],
      expected: () => byName(suite.fx.people).map((p) => p.id),
    },
    {
      name: 'people(search:)',
      query: `query(${ARGS}) { ${connection(`people(${PAGE}, search: "an")`)} }`,
      path: ['people'],
      expected: () => byName(suite.fx.people.filter((p) => [p.name, ...p.aliases].join(' ').toLowerCase().includes('an'))).map((p) => p.id),
    },
    {
      name: 'Source.articles',
      query: `query(${ARGS}, $id: ID!) { source(id: $id) { ${connection(`articles(${PAGE})`)} } }`,
      path: ['source', 'articles'],
      variables: () => ({ id: suite.fx.sources[0]!.id }),
      expected: () => sortArticles(suite.fx.articles.filter((a) => a.sourceId === suite.fx.sources[0]!.dbId)).map((a) => a.id),
    },
    {
      name: 'Source.latestFeed',
      query: `query(${ARGS}, $id: ID!) { source(id: $id) { ${connection(`latestFeed(${PAGE})`)} } }`,
      path: ['source', 'latestFeed'],
      variables: () => ({ id: suite.fx.sources[2]!.id }),
      expected: () => sortFeedItems(suite.fx.feedItems.filter((f) => f.sourceId === suite.fx.sources[2]!.dbId)).map((f) => f.id),
    },
    {
      name: 'Person.articles(role: AUTHOR)',
      query: `query(${ARGS}, $id: ID!) { person(id: $id) { ${connection(`articles(${PAGE}, role: AUTHOR, orderBy: OLDEST_FIRST)`)} } }`,
      path: ['person', 'articles'],
      variables: () => ({ id: suite.fx.authors[1]!.id }),
      expected: () => sortArticles(suite.fx.articles.filter((a) => a.authorIds.includes(suite.fx.authors[1]!.dbId)), 'OLDEST_FIRST').map((a) => a.id),
    },
    {
      name: 'Person.articles (any role)',
      query: `query(${ARGS}, $id: ID!) { person(id: $id) { ${connection(`articles(${PAGE})`)} } }`,
      path: ['person', 'articles'],
      variables: () => ({ id: suite.fx.mentioned[1]!.id }),
      expected: () => sortArticles(suite.fx.articles.filter((a) => a.mentions.some((m) => m.personId === suite.fx.mentioned[1]!.dbId))).map((a) => a.id),
    },
  ];

  describe.each(LISTS.map((list) => [list.name, list] as const))('%s', (_name, list) => {
    const vars = () => list.variables?.() ?? {};
    const size = () => (list.expected().length > 20 ? 11 : 2);

    it('walked forward with first/after equals the documented order, and one big page', async () => {
      const expected = list.expected();
      expect(expected.length).toBeGreaterThan(2);
      const pages = await walk<{ id: string }>(suite.app, list.query, list.path, size(), 'forward', vars());
      expect(walkIds(pages, 'forward')).toEqual(expected);
      pages.forEach((page, i) => {
        expect(page.pageInfo.hasPreviousPage).toBe(i > 0);
        expect(page.pageInfo.hasNextPage).toBe(i < pages.length - 1);
        expect(page.pageInfo.startCursor).toBe(page.cursors[0] ?? null);
        expect(page.pageInfo.endCursor).toBe(page.cursors[page.cursors.length - 1] ?? null);
        expect(page.totalCount).toBe(expected.length);
      });
      const big = connectionAt<{ id: string }>(ok(await suite.app.gql(list.query, { ...vars(), first: 100 })), list.path);
      expect(big.nodes.map((n) => n.id)).toEqual(expected.slice(0, 100));
      expect(big.pageInfo.hasNextPage).toBe(expected.length > 100);
    });

    it('walked backward with last/before equals the same order', async () => {
      const expected = list.expected();
      const pages = await walk<{ id: string }>(suite.app, list.query, list.path, size(), 'backward', vars());
      expect(walkIds(pages, 'backward')).toEqual(expected);
      pages.forEach((page, i) => {
        expect(page.pageInfo.hasNextPage).toBe(i > 0);
        expect(page.pageInfo.hasPreviousPage).toBe(i < pages.length - 1);
      });
      // The first backward page is the end of the list.
      expect(pages[0]!.nodes.map((n) => n.id)).toEqual(expected.slice(-size()));
    });

    it('defaults to 20, caps first and last at 100, and answers first: 0 with no edges', async () => {
      const expected = list.expected();
      const page = (extra: Record<string, unknown>) => suite.app.gql(list.query, { ...vars(), ...extra }).then((res) => connectionAt<{ id: string }>(ok(res), list.path));
      expect((await page({})).nodes.map((n) => n.id)).toEqual(expected.slice(0, 20));
      expect((await page({ first: 1000 })).nodes.map((n) => n.id)).toEqual(expected.slice(0, 100));
      expect((await page({ last: 2_147_483_647 })).nodes.map((n) => n.id)).toEqual(expected.slice(-100));
      const none = await page({ first: 0 });
      expect(none.nodes).toEqual([]);
      expect(none.totalCount).toBe(expected.length);
      expect(none.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
    });

    it('answers an empty page past the end, with hasPreviousPage and no next page', async () => {
      const all = connectionAt<{ id: string }>(ok(await suite.app.gql(list.query, { ...vars(), last: 1 })), list.path);
      const past = connectionAt(ok(await suite.app.gql(list.query, { ...vars(), first: 5, after: all.pageInfo.endCursor })), list.path);
      expect(past.nodes).toEqual([]);
      expect(past.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
    });

    it('refuses first with last, negative counts, and after with last', async () => {
      const { pageInfo } = connectionAt(ok(await suite.app.gql(list.query, { ...vars(), first: 2 })), list.path);
      for (const bad of [{ first: 2, last: 2 }, { first: -1 }, { last: -5 }, { last: 2, after: pageInfo.endCursor }, { first: 2, before: pageInfo.endCursor }]) {
        const res = await suite.app.gql(list.query, { ...vars(), ...bad });
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      }
    });
  });

  describe('cursors', () => {
    let cursors: Record<string, string>;

    beforeAll(async () => {
      const data = ok(
        await suite.app.gql(`{
          newest: articles(first: 2) { pageInfo { endCursor } }
          oldest: articles(first: 2, orderBy: OLDEST_FIRST) { pageInfo { endCursor } }
          feed: latestFeed(first: 2) { pageInfo { endCursor } }
          sources(first: 1) { pageInfo { endCursor } }
          people(first: 1) { pageInfo { endCursor } }
        }`),
      );
      const connections = data as Record<string, { pageInfo: { endCursor: string } }>;
      cursors = Object.fromEntries(Object.entries(connections).map(([key, value]) => [key, value.pageInfo.endCursor]));
    });

    const TARGETS: Record<string, string> = {
      newest: 'query($c: String) { x: articles(first: 2, after: $c) { edges { node { id } } } }',
      oldest: 'query($c: String) { x: articles(first: 2, after: $c, orderBy: OLDEST_FIRST) { edges { node { id } } } }',
      feed: 'query($c: String) { x: latestFeed(first: 2, after: $c) { edges { node { id } } } }',
      sources: 'query($c: String) { x: sources(first: 2, after: $c) { edges { node { id } } } }',
      people: 'query($c: String) { x: people(first: 2, after: $c) { edges { node { id } } } }',
    };

    it('are accepted by the list and order they came from', async () => {
      for (const [kind, query] of Object.entries(TARGETS)) {
        const res = await suite.app.gql(query, { c: cursors[kind] });
        expect(res.errors).toBeUndefined();
        expect(res.data!.x.edges.length).toBeGreaterThan(0);
      }
    });

    it('from another list or another order are BAD_USER_INPUT, as after and as before', async () => {
      for (const [kind, query] of Object.entries(TARGETS)) {
        for (const [from, cursor] of Object.entries(cursors)) {
          if (from === kind) continue;
          const res = await suite.app.gql(query, { c: cursor });
          expect([kind, from, codes(res)]).toEqual([kind, from, ['BAD_USER_INPUT']]);
          expect(res.errors![0]!.extensions).toMatchObject({ argument: 'after' });
          const backward = await suite.app.gql(query.replace('first: 2, after: $c', 'last: 2, before: $c'), { c: cursor });
          expect([kind, from, codes(backward)]).toEqual([kind, from, ['BAD_USER_INPUT']]);
        }
      }
    });

    it('that are garbage or forged are BAD_USER_INPUT on every list', async () => {
      const uuid = suite.fx.articles[0]!.dbId;
      const at = new Date(FIXTURE_ARTICLE_BASE).toISOString();
      const garbage = [
        '',
        'garbage!',
        '%%%',
        'x'.repeat(5000),
        base64url('not json at all'),
        base64url('{}'),
        base64url('null'),
        base64url([]),
        base64url([2, 'articles:NEWEST_FIRST', at, uuid]),
        base64url([1, 'articles:NEWEST_FIRST', 'yesterday', uuid]),
        base64url([1, 'articles:NEWEST_FIRST', 1717200000000, uuid]),
        base64url([1, 'articles:NEWEST_FIRST', at, 'not-a-uuid']),
        base64url([1, 'articles:NEWEST_FIRST', at, "'; DROP TABLE article; --"]),
        base64url([1, 'articles:NEWEST_FIRST', at, uuid, 'extra']),
        base64url([1, 'articles:NEWEST_FIRST', at]),
        base64url([1, 'feed', at, 1.5, uuid]),
        base64url([1, 'feed', at, '1', uuid]),
        base64url([1, 'sources', 42, uuid]),
        Buffer.from(JSON.stringify([1, 'articles:NEWEST_FIRST', at, uuid])).toString('base64') + '==',
      ];
      for (const query of Object.values(TARGETS)) {
        for (const cursor of garbage) {
          const res = await suite.app.gql(query, { c: cursor });
          expect([cursor.slice(0, 60), codes(res)]).toEqual([cursor.slice(0, 60), ['BAD_USER_INPUT']]);
        }
      }
    });

    it('are keyset positions, not offsets: a well-formed cursor for a position no item has continues from there', async () => {
      const t = new Date(FIXTURE_ARTICLE_BASE + 30 * 3_600_000);
      const cursor = base64url([1, 'articles:NEWEST_FIRST', t.toISOString(), 'ffffffff-ffff-4fff-bfff-ffffffffffff']);
      const { articles } = ok(await suite.app.request(ArticlesAfterDocument, { c: cursor }));
      const expected = sortArticles(suite.fx.articles).filter((a) => a.publishedAt.getTime() <= t.getTime());
      expect(articles.edges.map((e) => e.node.id)).toEqual(expected.slice(0, 10).map((a) => a.id));
      // Three articles share t, and all three come first.
      expect(expected.slice(0, 3).every((a) => a.publishedAt.getTime() === t.getTime())).toBe(true);
    });
  });

  describe('equal publishedAt values', () => {
    it('never lose or repeat an article across pages, whatever the page size, both ways', async () => {
      const before = new Date(FIXTURE_ARTICLE_BASE + 10 * 3_600_000).toISOString();
      const query = `query(${ARGS}, $before2: DateTime) { articles(${PAGE}, filter: { publishedBefore: $before2 }) { edges { cursor node { id } } ${PAGE_INFO} } }`;
      const expected = sortArticles(suite.fx.articles.filter((a) => a.publishedAt.toISOString() < before)).map((a) => a.id);
      expect(expected).toHaveLength(30);
      for (const [size, direction] of [[1, 'forward'], [2, 'backward'], [4, 'forward'], [4, 'backward']] as const) {
        expect(walkIds(await walk(suite.app, query, ['articles'], size, direction, { before2: before }), direction)).toEqual(expected);
      }
    });

    it('never lose or repeat a feed item, where date and position tie across sources', async () => {
      const query = `query(${ARGS}) { latestFeed(${PAGE}) { edges { cursor node { id } } ${PAGE_INFO} } }`;
      const expected = sortFeedItems(listedOnce(suite.fx.feedItems)).map((f) => f.id);
      for (const size of [4, 5]) {
        const ids = walkIds(await walk(suite.app, query, ['latestFeed'], size, 'forward'), 'forward');
        expect(ids).toEqual(expected);
        expect(new Set(ids).size).toBe(expected.length);
      }
      expect(walkIds(await walk(suite.app, query, ['latestFeed'], 6, 'backward'), 'backward')).toEqual(expected);
    });
  });

  describe('empty lists', () => {
    it('have no edges, no cursors, no neighbours and a zero count', async () => {
      const data = ok(
        await suite.app.gql(`{
          articles(filter: { language: "fr" }) { totalCount edges { cursor } ${PAGE_INFO} }
          backward: articles(filter: { language: "fr" }, last: 5) { totalCount edges { cursor } ${PAGE_INFO} }
          latestFeed(language: "fr", first: 0) { totalCount edges { cursor } ${PAGE_INFO} }
          people(search: "zzzzqqqq") { totalCount edges { cursor } ${PAGE_INFO} }
        }`),
      );
      const empty = { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
      expect(data).toEqual({ articles: empty, backward: empty, latestFeed: empty, people: empty });
    });
  });

  describe('with writes between pages (keyset, not offset)', () => {
    it('a new newest article or headline neither repeats nor skips anything on the next page', async () => {
      const first = ok(await suite.app.gql(`{ articles(first: 10) { edges { node { id } } ${PAGE_INFO} } latestFeed(first: 10) { edges { node { id } } ${PAGE_INFO} } }`));
      const source = suite.fx.sources[0]!;
      await suite.app.db.transaction(async (manager) => {
        const title = 'A story newer than every other';
        await new ArticleWriteRepository().upsert(manager, {
          sourceId: source.dbId,
          url: `${source.homepageUrl}news/newest`,
          slug: 'a-story-newer-than-every-other',
          title,
          summary: null,
          paragraphs: ['Just in.'],
          language: 'en',
          publishedAt: new Date(FIXTURE_ARTICLE_BASE + 1000 * 3_600_000),
          updatedAt: null,
          imageUrl: null,
          byline: null,
          searchText: normalizeForSearch(`${title}\nJust in.`),
          contentHash: articleContentHash(title, ['Just in.']),
          authorIds: [],
          mentions: [],
          citedSourceIds: [],
        });
        await upsertFeedItems(manager, source.dbId, [
          { itemKey: 'newest', headline: title, url: null, imageUrl: null, language: 'en', publishedAt: new Date(FIXTURE_FEED_BASE + 3_600_000), position: 1, articleId: null },
        ]);
      });
      const next = ok(
        await suite.app.request(ArticlesAndFeedAfterDocument, {
          a: first.articles.pageInfo.endCursor,
          f: first.latestFeed.pageInfo.endCursor,
        }),
      );
      expect(next.articles.edges.map((e) => e.node.id)).toEqual(sortArticles(suite.fx.articles).slice(10, 20).map((a) => a.id));
      expect(next.latestFeed.edges.map((e) => e.node.id)).toEqual(sortFeedItems(listedOnce(suite.fx.feedItems)).slice(10, 20).map((f) => f.id));
      // And the new items are seen from the top.
      const top = ok(await suite.app.gql('{ articles(first: 1) { edges { node { title } } } latestFeed(first: 1) { edges { node { headline } } } }'));
      expect(top.articles.edges[0].node.title).toBe('A story newer than every other');
      expect(top.latestFeed.edges[0].node.headline).toBe('A story newer than every other');
    });
  });
});
