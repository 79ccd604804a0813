import { sortArticles, sortFeedItems, type FixtureArticle } from '../support/fixtures';
import { useFixtureApp } from '../support/fixture-app';
import { codes, ok } from './helpers';
import {
  CitedSourcesDocument,
  PeopleArticlesByRoleDocument,
  PeopleListDocument,
  PeopleSearchDocument,
  PersonArticlesByRoleDocument,
  PersonByIdAndSlugDocument,
  SourceArticlesDocument,
  SourceByIdAndSlugDocument,
  SourceHeadlinesDocument,
  SourceListDocument,
} from '../support/generated/graphql';
import { personJson, sourceJson } from './model';

/**
 * The source and person queries: `source(id:, slug:)`, `sources`, `person(id:, slug:)`, `people(search:)`,
 * every Source and Person field, `Source.articles`, `Source.latestFeed` and
 * `Person.articles(role:)` with their totalCount.
 */
describe('sources and people', () => {
  const suite = useFixtureApp();

  const byName = <T extends { name: string }>(items: T[]) => [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const ids = (connection: { edges: Array<{ node: { id: string } }> }) => connection.edges.map((e) => e.node.id);

  describe('sources', () => {
    it('lists every source alphabetically, with every field and totalCount', async () => {
      const { sources } = ok(await suite.app.request(SourceListDocument));
      expect(sources.totalCount).toBe(3);
      expect(sources.edges.map((e) => e.node)).toEqual(byName(suite.fx.sources).map(sourceJson));
    });

    it('source(id:) and source(slug:) find one source; unknown keys give null', async () => {
      for (const source of suite.fx.sources) {
        const data = ok(await suite.app.request(SourceByIdAndSlugDocument, { id: source.id, slug: source.slug }));
        expect(data.a).toEqual(sourceJson(source));
        expect(data.b).toEqual({ id: source.id });
      }
      const missing = Buffer.from('Source:00000000-0000-4000-8000-000000000000').toString('base64');
      const res = await suite.app.gql(`query($id: ID!) { a: source(id: $id) { id } b: source(slug: "no-such-source") { id } }`, { id: missing });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ a: null, b: null });
    });

    it('source() wants exactly one of id and slug, and a Source id', async () => {
      const s = suite.fx.sources[0]!;
      expect(codes(await suite.app.gql('{ source { id } }'))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await suite.app.gql('query($id: ID!, $slug: String!) { source(id: $id, slug: $slug) { id } }', { id: s.id, slug: s.slug }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await suite.app.gql('query($id: ID!) { source(id: $id) { id } }', { id: suite.fx.people[0]!.id }))).toEqual(['BAD_USER_INPUT']);
    });

    it('Source.articles lists what each source published, in both orders, with totalCount', async () => {
      const { sources } = ok(await suite.app.request(SourceArticlesDocument));
      for (const edge of sources.edges) {
        const source = suite.fx.sources.find((s) => s.id === edge.node.id)!;
        const published = suite.fx.articles.filter((a) => a.sourceId === source.dbId);
        expect(edge.node.newest.totalCount).toBe(published.length);
        expect(ids(edge.node.newest)).toEqual(sortArticles(published).map((a) => a.id));
        expect(edge.node.newest.edges.every((e) => e.node.source.id === source.id)).toBe(true);
        expect(edge.node.oldest.totalCount).toBe(published.length);
        expect(ids(edge.node.oldest)).toEqual(sortArticles(published, 'OLDEST_FIRST').slice(0, 5).map((a) => a.id));
      }
    });

    it('Source.latestFeed lists each source’s own headlines, with totalCount', async () => {
      const s = suite.fx.sources[1]!;
      const { source } = ok(await suite.app.request(SourceHeadlinesDocument, { id: s.id }));
      const own = sortFeedItems(suite.fx.feedItems.filter((f) => f.sourceId === s.dbId));
      expect(source!.latestFeed.totalCount).toBe(own.length);
      expect(ids(source!.latestFeed)).toEqual(own.slice(0, 7).map((f) => f.id));
    });

    it('a cited source can be read from the articles that cite it', async () => {
      const citing = suite.fx.articles.find((a) => a.citedSourceIds.length > 0)!;
      const { article } = ok(await suite.app.request(CitedSourcesDocument, { id: citing.id }));
      const cited = suite.fx.sourceByDbId.get(citing.citedSourceIds[0]!)!;
      expect(article!.citedSources).toEqual([{ ...sourceJson(cited), articles: { totalCount: suite.fx.articles.filter((a) => a.sourceId === cited.dbId).length } }]);
    });
  });

  describe('people', () => {
    it('lists everyone alphabetically, with every field and totalCount', async () => {
      const { people } = ok(await suite.app.request(PeopleListDocument));
      expect(people.totalCount).toBe(suite.fx.people.length);
      expect(people.edges.map((e) => e.node)).toEqual(byName(suite.fx.people).map(personJson));
    });

    it('person(id:) and person(slug:) find one person; unknown keys give null; one key only', async () => {
      for (const p of suite.fx.people) {
        const data = ok(await suite.app.request(PersonByIdAndSlugDocument, { id: p.id, slug: p.slug }));
        expect(data.a).toEqual(personJson(p));
        expect(data.b).toEqual({ id: p.id });
      }
      const missing = Buffer.from('Person:00000000-0000-4000-8000-000000000000').toString('base64');
      const res = await suite.app.gql('query($id: ID!) { a: person(id: $id) { id } b: person(slug: "nobody") { id } }', { id: missing });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ a: null, b: null });
      expect(codes(await suite.app.gql('{ person { id } }'))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await suite.app.gql('query($id: ID!) { person(id: $id, slug: "x") { id } }', { id: suite.fx.people[0]!.id }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await suite.app.gql('query($id: ID!) { person(id: $id) { id } }', { id: suite.fx.sources[0]!.id }))).toEqual(['BAD_USER_INPUT']);
    });

    it('people(search:) matches part of a name or any alias, in any script and case, with totalCount', async () => {
      const search = async (q: string) => {
        const { people } = ok(await suite.app.request(PeopleSearchDocument, { q }));
        expect(people.totalCount).toBe(people.edges.length);
        return people.edges.map((e) => e.node.slug);
      };
      expect(await search('Carter')).toEqual(['john-carter']);
      expect(await search('CARTER')).toEqual(['john-carter']);
      expect(await search('arte')).toEqual(['john-carter']);
      expect(await search('ليلى')).toEqual(['layla-haddad']);
      expect(await search('张伟')).toEqual(['wei-zhang']);
      expect(await search('张')).toEqual(['wei-zhang']);
      expect(await search('অনিকা')).toEqual(['anika-rahman']);
      expect(await search('গুতেরেস')).toEqual(['antonio-guterres']);
      // An inflected Bengali form (genitive -এর) and an English possessive.
      expect(await search('গুতেরেসের')).toEqual(['antonio-guterres']);
      expect(await search('Guterres’s')).toEqual(['antonio-guterres']);
      // A diacritic the alias has and the name has not.
      expect(await search('António')).toEqual(['antonio-guterres']);
      expect(await search('qqqqzzzz')).toEqual([]);
      // Blank search: everyone.
      expect(await search('   ')).toHaveLength(suite.fx.people.length);
    });

    describe('Person.articles(role:)', () => {
      it.each([
        ['an author', () => suite.fx.authors[0]!],
        ['a person articles mention', () => suite.fx.mentioned[0]!],
        ['a person who both writes and is written about', () => suite.fx.authors[0]!],
        ['an author nobody mentions', () => suite.fx.authors[3]!],
      ])('lists what %s wrote (AUTHOR), is named in (MENTIONED), or both (omitted)', async (_label, personOf) => {
        const p = personOf();
        const person = ok(await suite.app.request(PersonArticlesByRoleDocument, { id: p.id })).person!;
        if (p === suite.fx.authors[0]) expect(suite.fx.articles.some((a) => a.authorIds.includes(p.dbId) && a.mentions.some((m) => m.personId === p.dbId))).toBe(true);
        const wrote = (a: FixtureArticle) => a.authorIds.includes(p.dbId);
        const named = (a: FixtureArticle) => a.mentions.some((m) => m.personId === p.dbId);
        const expectConnection = (connection: { totalCount: number; edges: Array<{ node: { id: string } }> }, articles: FixtureArticle[], order: 'NEWEST_FIRST' | 'OLDEST_FIRST' = 'NEWEST_FIRST', limit = 100) => {
          expect(connection.totalCount).toBe(articles.length);
          expect(ids(connection)).toEqual(sortArticles(articles, order).slice(0, limit).map((a) => a.id));
        };
        expectConnection(person.author, suite.fx.articles.filter(wrote));
        expectConnection(person.mentioned, suite.fx.articles.filter(named));
        expectConnection(person.any, suite.fx.articles.filter((a) => wrote(a) || named(a)));
        expectConnection(person.oldest, suite.fx.articles.filter((a) => wrote(a) || named(a)), 'OLDEST_FIRST', 3);
        for (const edge of person.author.edges) expect(edge.node.authors.map((x) => x.id)).toContain(p.id);
        for (const edge of person.mentioned.edges) expect(edge.node.mentions.map((m) => m.person.id)).toContain(p.id);
      });

      it('batches people and roles in one request without mixing them up', async () => {
        const { people } = ok(await suite.app.request(PeopleArticlesByRoleDocument));
        for (const edge of people.edges) {
          const p = suite.fx.people.find((x) => x.id === edge.node.id)!;
          const wrote = suite.fx.articles.filter((a) => a.authorIds.includes(p.dbId));
          const named = suite.fx.articles.filter((a) => a.mentions.some((m) => m.personId === p.dbId));
          expect(edge.node.author.totalCount).toBe(wrote.length);
          expect(ids(edge.node.author)).toEqual(sortArticles(wrote).slice(0, 2).map((a) => a.id));
          expect(edge.node.mentioned.totalCount).toBe(named.length);
          expect(ids(edge.node.mentioned)).toEqual(sortArticles(named).slice(0, 2).map((a) => a.id));
        }
      });

      it('refuses an unknown role', async () => {
        const res = await suite.app.gql('query($id: ID!) { person(id: $id) { articles(role: EDITOR) { totalCount } } }', { id: suite.fx.people[0]!.id });
        expect(res.status).toBe(400);
        expect(codes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      });
    });
  });
});
