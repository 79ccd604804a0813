import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { sqlStatementCount } from '../../src/db/sql-executor';
import { ArticlePageDocument, SidebarDocument } from '../../src/client/generated/graphql';
import { CountedArticlesDocument, CountedNestedPeopleDocument, CountedNestedSourcesDocument, CountedSidebarDocument, CountedSourcesDocument } from '../support/generated/graphql';
import { sortFeedItems } from '../support/fixtures';
import { useFixtureApp } from '../support/fixture-app';
import { ok } from './helpers';

/**
 * DataLoader behind every relation. The number of SQL statements one request
 * runs depends on the shape of the query, never on how many items it returns. Counted with the
 * process-wide statement counter around one HTTP request at a time.
 *
 * The fixtures make the cache unable to hide a query: feed items link to articles of other sources
 * (so article.source needs sources the feed items did not load), articles have 1-3 authors,
 * mentions and citations, and some feed items have no article.
 */
describe('SQL statements per request', () => {
  const suite = useFixtureApp();

  /** The data of one request, and how many statements it ran. */
  async function counted<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<{ statements: number; data: TData }> {
    const before = sqlStatementCount();
    const data = ok(await suite.app.request(document, variables));
    return { statements: sqlStatementCount() - before, data };
  }

  it('the sidebar query runs the same number of statements, at most 6, for N = 5 and N = 100', async () => {
    const small = await counted(CountedSidebarDocument, { first: 5 });
    const large = await counted(CountedSidebarDocument, { first: 100 });
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThanOrEqual(6);

    // What was counted really touched every relation, in both sizes.
    for (const { data, n } of [{ data: small.data, n: 5 }, { data: large.data, n: 100 }]) {
      const nodes = data.latestFeed.edges.map((e) => e.node);
      expect(nodes).toHaveLength(n);
      const articles = nodes.flatMap((node) => (node.article ? [node.article] : []));
      expect(articles.length).toBeGreaterThan(0);
      expect(articles.every((a) => a.authors.length > 0)).toBe(true);
      expect(nodes.some((node) => node.article && node.article.source.name !== node.source.name)).toBe(true);
    }
    expect(large.data.latestFeed.edges.some((e) => (e.node.article?.mentions.length ?? 0) > 0)).toBe(true);
    expect(large.data.latestFeed.edges.some((e) => (e.node.article?.citedSources.length ?? 0) > 0)).toBe(true);
    // The first five items (the small request) hold an article of another source and an unlinked item.
    const top5 = sortFeedItems(suite.fx.feedItems).slice(0, 5);
    expect(top5.some((f) => f.articleId && suite.fx.articleByDbId.get(f.articleId)!.sourceId !== f.sourceId)).toBe(true);
  });

  it('repeating a request repeats its statements: nothing is cached across requests', async () => {
    const first = await counted(CountedSidebarDocument, { first: 5 });
    const again = await counted(CountedSidebarDocument, { first: 5 });
    expect(again.statements).toBe(first.statements);
    expect(again.statements).toBeGreaterThan(0);
  });

  it('the typed Sidebar operation is constant in its page size', async () => {
    const small = await counted(SidebarDocument, { first: 5 });
    const large = await counted(SidebarDocument, { first: 100 });
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThanOrEqual(6);
  });

  // Two root fields (the article and the sidebar) resolve concurrently: whether their `source`
  // loads share one batch depends on which statement returns first on a pooled server, so the
  // count is bounded rather than exact. An N+1 would run over a hundred statements here.
  it('the typed ArticlePage operation stays within a bound that does not grow with the sidebar', async () => {
    const slug = suite.fx.articles.find((a) => a.citedSourceIds.length > 0 && a.mentions.length > 0)!.slug;
    const page5 = await counted(ArticlePageDocument, { slug, sidebar: 5 });
    const page100 = await counted(ArticlePageDocument, { slug, sidebar: 100 });
    expect(page100.data.latestFeed.edges).toHaveLength(100);
    expect(page5.data.article!.citedSources.length).toBeGreaterThan(0);
    // article, its source, authors, mentions, cited sources; the feed and its sources.
    expect(page5.statements).toBeLessThanOrEqual(8);
    expect(page100.statements).toBeLessThanOrEqual(8);
  });

  it('articles with source, authors and mentions: constant for N = 5 and N = 100', async () => {
    const small = await counted(CountedArticlesDocument, { first: 5 });
    const large = await counted(CountedArticlesDocument, { first: 100 });
    expect(large.data.articles.edges).toHaveLength(100);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThanOrEqual(4);
  });

  it('sources with their articles and feeds: constant for 1 and 3 sources', async () => {
    const one = await counted(CountedSourcesDocument, { first: 1 });
    const three = await counted(CountedSourcesDocument, { first: 3 });
    expect(three.data.sources.edges).toHaveLength(3);
    for (const edge of three.data.sources.edges) {
      expect(edge.node.articles.edges).toHaveLength(3);
      expect(edge.node.latestFeed.edges).toHaveLength(3);
    }
    expect(three.statements).toBe(one.statements);
    expect(one.statements).toBeLessThanOrEqual(3);
  });

  it('nested lists with totalCount and relations stay constant too', async () => {
    const [s1, s3] = [await counted(CountedNestedSourcesDocument, { first: 1 }), await counted(CountedNestedSourcesDocument, { first: 3 })];
    expect(s3.statements).toBe(s1.statements);
    const [p2, p6] = [await counted(CountedNestedPeopleDocument, { first: 2 }), await counted(CountedNestedPeopleDocument, { first: 6 })];
    expect(p6.data.people.edges).toHaveLength(6);
    expect(p6.statements).toBe(p2.statements);
  });

  it('node() lookups of many ids batch into one statement per type', async () => {
    const aliases = (n: number) =>
      suite.fx.articles
        .slice(0, n)
        .map((a, i) => `a${i}: node(id: "${a.id}") { ... on Article { title source { name } authors { name } } }`)
        .join('\n');
    // Built on the fly (one aliased field per id): sent as text.
    const countedText = async (query: string) => {
      const before = sqlStatementCount();
      ok(await suite.app.gql(query));
      return { statements: sqlStatementCount() - before };
    };
    const small = await countedText(`{ ${aliases(2)} }`);
    const large = await countedText(`{ ${aliases(40)} }`);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThanOrEqual(3);
  });
});
