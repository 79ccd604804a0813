import { FIXTURE_ARTICLE_BASE, inLanguage, sortArticles, type FixtureArticle } from '../support/fixtures';
import { useFixtureApp } from '../support/fixture-app';
import { codes, ok } from './helpers';
import {
  ArticleByEachKeyDocument,
  ArticleByUrlVariantsDocument,
  ArticleListDocument,
  ArticlesDefaultPageDocument,
  ListedNodesDocument,
  NodeOfEachTypeDocument,
  NodeRefetchDocument,
  type ArticleFilter,
} from '../support/generated/graphql';
import { articleJson, feedItemJson, personJson, sourceJson } from './model';

/**
 * The article queries: `article(id:, slug:, url:)`, every Article field, `articles(filter:, orderBy:)`
 * with each filter alone and combined, and `node(id:)` for the four node types, against the
 * fixture model (150 articles in four languages, three sources, six people).
 */
describe('articles', () => {
  const suite = useFixtureApp();

  /** Asserts one filtered list (first 100, in order) and its totalCount against the model. */
  async function expectList(filter: ArticleFilter | null, expected: FixtureArticle[], orderBy: 'NEWEST_FIRST' | 'OLDEST_FIRST' = 'NEWEST_FIRST') {
    const { articles } = ok(await suite.app.request(ArticleListDocument, { filter, orderBy, first: 100 }));
    const sorted = sortArticles(expected, orderBy);
    expect(articles.totalCount).toBe(expected.length);
    expect(articles.edges.map((e) => e.node.id)).toEqual(sorted.slice(0, 100).map((a) => a.id));
    expect(articles.pageInfo.hasNextPage).toBe(expected.length > 100);
  }

  describe('article(id:, slug:, url:)', () => {
    it('returns every field of one article in each language, by each key', async () => {
      // One article per language variant, with and without summary, image, citations, mentions.
      for (const index of [0, 1, 2, 3, 4, 5, 6, 9]) {
        const a = suite.fx.articles[index]!;
        const data = ok(await suite.app.request(ArticleByEachKeyDocument, { id: a.id, slug: a.slug, url: a.url }));
        expect(data.byId).toEqual(articleJson(suite.fx, a));
        expect(data.bySlug).toEqual({ id: a.id });
        expect(data.byUrl).toEqual({ id: a.id });
      }
    });

    it('the fixtures cover what the fields can hold', () => {
      expect(new Set(suite.fx.articles.map((a) => a.authorIds.length))).toEqual(new Set([1, 2, 3]));
      expect(suite.fx.articles.some((a) => a.mentions.length === 2)).toBe(true);
      expect(suite.fx.articles.some((a) => a.mentions.length === 0)).toBe(true);
      expect(suite.fx.articles.some((a) => a.citedSourceIds.length === 1)).toBe(true);
      expect(suite.fx.articles.some((a) => a.summary === null) && suite.fx.articles.some((a) => a.summary !== null)).toBe(true);
      expect(suite.fx.articles.some((a) => a.updatedAt.getTime() > a.publishedAt.getTime())).toBe(true);
    });

    it('finds an article by its URL with a fragment, tracking parameters or an upper-case host, and by an upper-case slug', async () => {
      const a = suite.fx.articles[7]!;
      const url = new URL(a.url);
      const data = ok(
        await suite.app.request(ArticleByUrlVariantsDocument, {
            u1: `${a.url}#comments`,
            u2: `${url.protocol}//${url.host.toUpperCase()}${url.pathname}`,
            u3: `  ${a.url}?utm_source=newsletter&utm_medium=email  `,
          slug: a.slug.toUpperCase(),
        }),
      );
      expect(data).toEqual({ u1: { id: a.id }, u2: { id: a.id }, u3: { id: a.id }, s: { id: a.id } });
    });

    it('returns null, not an error, for keys nobody has', async () => {
      const missing = Buffer.from('Article:00000000-0000-4000-8000-000000000000').toString('base64');
      const res = await suite.app.gql(`query($id: ID!) {
        a: article(id: $id) { id }
        b: article(slug: "no-such-article") { id }
        c: article(url: "https://nowhere.example.org/news/1") { id }
      }`, { id: missing });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ a: null, b: null, c: null });
    });

    it('wants exactly one key', async () => {
      const a = suite.fx.articles[0]!;
      const none = await suite.app.gql('{ article { id } }');
      const two = await suite.app.gql('query($id: ID!, $slug: String!) { article(id: $id, slug: $slug) { id } }', { id: a.id, slug: a.slug });
      const three = await suite.app.gql('query($id: ID!, $slug: String!, $url: String!) { article(id: $id, slug: $slug, url: $url) { id } }', { id: a.id, slug: a.slug, url: a.url });
      for (const res of [none, two, three]) {
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.data).toEqual({ article: null });
      }
    });
  });

  describe('articles(filter:, orderBy:)', () => {
    it('lists everything newest first by default, ties broken by id, with totalCount', async () => {
      await expectList(null, suite.fx.articles);
      await expectList({}, suite.fx.articles);
    });

    it('orders oldest first', async () => {
      await expectList(null, suite.fx.articles, 'OLDEST_FIRST');
    });

    it('defaults to 20 items', async () => {
      const { articles } = ok(await suite.app.request(ArticlesDefaultPageDocument));
      expect(articles.edges.map((e) => e.node.id)).toEqual(sortArticles(suite.fx.articles).slice(0, 20).map((a) => a.id));
      expect(articles.pageInfo.hasNextPage).toBe(true);
    });

    it('filters by sourceIds (one or several)', async () => {
      const [s0, s1, s2] = suite.fx.sources;
      await expectList({ sourceIds: [s0!.id] }, suite.fx.articles.filter((a) => a.sourceId === s0!.dbId));
      await expectList({ sourceIds: [s1!.id, s2!.id] }, suite.fx.articles.filter((a) => a.sourceId !== s0!.dbId));
      // The same id twice counts once.
      await expectList({ sourceIds: [s2!.id, s2!.id] }, suite.fx.articles.filter((a) => a.sourceId === s2!.dbId));
    });

    it('filters by personIds: articles written by or mentioning them', async () => {
      const author = suite.fx.authors[2]!;
      const mentioned = suite.fx.mentioned[1]!;
      const involves = (a: FixtureArticle, dbId: string) => a.authorIds.includes(dbId) || a.mentions.some((m) => m.personId === dbId);
      await expectList({ personIds: [author.id] }, suite.fx.articles.filter((a) => involves(a, author.dbId)));
      await expectList({ personIds: [mentioned.id] }, suite.fx.articles.filter((a) => involves(a, mentioned.dbId)));
      await expectList({ personIds: [author.id, mentioned.id] }, suite.fx.articles.filter((a) => involves(a, author.dbId) || involves(a, mentioned.dbId)));
    });

    it('filters by language: tags match by whole subtags both ways (bn finds bn-BD, bn-BD finds bn), in any case', async () => {
      for (const [tag, filter] of [
        ['bn', 'bn'],
        ['en', 'en'],
        ['ar', 'ar'],
        ['zh-Hans', 'zh-Hans'],
        ['zh', 'zh'],
        ['bn-BD', 'bn-BD'],
        ['BN', 'bn'],
        ['zh-hans', 'zh-Hans'],
        ['zh-Hans-CN', 'zh-Hans-CN'],
        ['en-US', 'en-US'],
      ] as const) {
        const expected = suite.fx.articles.filter((a) => inLanguage(a.language, filter));
        expect(expected.length).toBeGreaterThan(0);
        await expectList({ language: tag }, expected);
      }
      await expectList({ language: 'fr' }, []);
    });

    it('filters by publishedAfter (inclusive) and publishedBefore (exclusive)', async () => {
      const t = new Date(FIXTURE_ARTICLE_BASE + 10 * 3_600_000);
      const u = new Date(FIXTURE_ARTICLE_BASE + 20 * 3_600_000);
      // Three articles share each timestamp: the bounds must keep or drop all three.
      expect(suite.fx.articles.filter((a) => a.publishedAt.getTime() === t.getTime())).toHaveLength(3);
      await expectList({ publishedAfter: t.toISOString() }, suite.fx.articles.filter((a) => a.publishedAt >= t));
      await expectList({ publishedBefore: t.toISOString() }, suite.fx.articles.filter((a) => a.publishedAt < t));
      await expectList({ publishedAfter: t.toISOString(), publishedBefore: u.toISOString() }, suite.fx.articles.filter((a) => a.publishedAt >= t && a.publishedAt < u));
      // Another offset, the same instant.
      await expectList({ publishedAfter: '2025-06-01T15:30:00+05:30' }, suite.fx.articles.filter((a) => a.publishedAt.getTime() >= Date.UTC(2025, 5, 1, 10, 0)));
      await expectList({ publishedAfter: u.toISOString(), publishedBefore: t.toISOString() }, []);
    });

    it('combines every filter (all conditions must hold), in both orders', async () => {
      const source = suite.fx.sources[1]!;
      const person = suite.fx.authors[0]!;
      const after = new Date(FIXTURE_ARTICLE_BASE + 5 * 3_600_000);
      const filter = { sourceIds: [source.id], personIds: [person.id], language: 'en', publishedAfter: after.toISOString() };
      const expected = suite.fx.articles.filter(
        (a) =>
          a.sourceId === source.dbId &&
          (a.authorIds.includes(person.dbId) || a.mentions.some((m) => m.personId === person.dbId)) &&
          inLanguage(a.language, 'en') &&
          a.publishedAt >= after,
      );
      expect(expected.length).toBeGreaterThan(1);
      await expectList(filter, expected);
      await expectList(filter, expected, 'OLDEST_FIRST');
      await expectList({ ...filter, search: 'budget' }, expected.filter((a) => a.title.includes('budget')));
    });

    it('refuses ids of the wrong type in filters', async () => {
      const wrong = await suite.app.request(ArticleListDocument, { filter: { sourceIds: [suite.fx.people[0]!.id] } });
      expect(codes(wrong)).toEqual(['BAD_USER_INPUT']);
      const garbage = await suite.app.request(ArticleListDocument, { filter: { personIds: ['not-an-id'] } });
      expect(codes(garbage)).toEqual(['BAD_USER_INPUT']);
      const language = await suite.app.request(ArticleListDocument, { filter: { language: 'not a language tag!' } });
      expect(codes(language)).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('node(id:)', () => {
    it('refetches an article, a source, a person and a feed item by global id', async () => {
      const article = suite.fx.articles[11]!;
      const source = suite.fx.sources[2]!;
      const person = suite.fx.mentioned[0]!;
      const item = suite.fx.feedItems.find((f) => f.articleId)!;
      const data = ok(
        await suite.app.request(NodeOfEachTypeDocument, { a: article.id, s: source.id, p: person.id, f: item.id }),
      );
      expect(data.a).toEqual({ __typename: 'Article', ...articleJson(suite.fx, article) });
      expect(data.s).toEqual({ __typename: 'Source', ...sourceJson(source) });
      expect(data.p).toEqual({ __typename: 'Person', ...personJson(person) });
      expect(data.f).toEqual({ __typename: 'FeedItem', ...feedItemJson(suite.fx, item) });
    });

    it('gives null for an id of a known type that no longer exists', async () => {
      const ids = ['Article', 'Source', 'Person', 'FeedItem'].map((type) => Buffer.from(`${type}:00000000-0000-4000-8000-000000000000`).toString('base64'));
      const res = await suite.app.gql(`{ a: node(id: "${ids[0]}") { id } s: node(id: "${ids[1]}") { id } p: node(id: "${ids[2]}") { id } f: node(id: "${ids[3]}") { id } }`);
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ a: null, s: null, p: null, f: null });
    });

    it('every id a list hands out refetches the same object', async () => {
      const data = ok(await suite.app.request(ListedNodesDocument));
      const nodes = [
        ...data.articles.edges.map((e) => e.node),
        ...data.latestFeed.edges.map((e) => e.node),
        ...data.sources.edges.map((e) => e.node),
        ...data.people.edges.map((e) => e.node),
      ];
      for (const node of nodes) {
        const again = ok(await suite.app.request(NodeRefetchDocument, { id: node.id }));
        expect(again.node).toEqual(node);
      }
    });
  });
});
