import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
// An app outside this repository imports these from 'newsgate/client'.
import {
  ArticlePageDocument,
  SearchArticlesDocument,
  SidebarDocument,
  type ArticlePageQuery,
  type SearchArticlesQuery,
  type SidebarQuery,
} from '../../src/client';

export type Headline = SidebarQuery['latestFeed']['edges'][number]['node'];
export type ArticleView = NonNullable<ArticlePageQuery['article']>;
export type SearchHit = SearchArticlesQuery['articles']['edges'][number]['node'];

/**
 * Apollo Client over newsgate, with the cache set up the way the schema is meant to be read:
 * - every object with an `id` is stored under that id alone: newsgate's ids are global (Relay's
 *   Node), so the same article reached from the sidebar, a search or node(id:) is one cache entry;
 * - connections merge Relay-style: a second page of the sidebar is appended to the first, keyed by
 *   the filters (not by first/after), so "more" grows one list.
 */
export function createNewsClient(url: string, apiKey?: string) {
  const client = new ApolloClient({
    link: new HttpLink({ uri: url, headers: apiKey ? { 'x-api-key': apiKey } : {} }),
    cache: new InMemoryCache({
      dataIdFromObject: (object) => (typeof object.id === 'string' ? object.id : undefined),
      possibleTypes: { Node: ['Article', 'FeedItem', 'Person', 'Source'] },
      typePolicies: {
        Query: {
          fields: {
            latestFeed: relayStylePagination(['sourceId', 'language']),
            articles: relayStylePagination(['filter', 'orderBy']),
          },
        },
      },
    }),
  });

  return {
    apollo: client,

    /** The sidebar so far: the first page, then every page `more` appended. */
    async latest(pageSize: number): Promise<{ headlines: Headline[]; hasMore: boolean; total: number }> {
      const { data } = await client.query({ query: SidebarDocument, variables: { first: pageSize } });
      return sidebarView(data!);
    },

    /** Fetches the next page after what the cache holds and returns the merged list. */
    async more(pageSize: number): Promise<{ headlines: Headline[]; hasMore: boolean; total: number }> {
      const current = client.readQuery({ query: SidebarDocument, variables: { first: pageSize } });
      const after = current?.latestFeed.pageInfo.endCursor ?? null;
      await client.query({ query: SidebarDocument, variables: { first: pageSize, after }, fetchPolicy: 'network-only' });
      return sidebarView(client.readQuery({ query: SidebarDocument, variables: { first: pageSize } })!);
    },

    async search(query: string): Promise<SearchHit[]> {
      const { data } = await client.query({ query: SearchArticlesDocument, variables: { query, first: 10 } });
      return data!.articles.edges.map((edge) => edge.node);
    },

    async article(slug: string): Promise<ArticleView | null> {
      const { data } = await client.query({ query: ArticlePageDocument, variables: { slug, sidebar: 5 } });
      return data!.article;
    },
  };
}

export type NewsClient = ReturnType<typeof createNewsClient>;

function sidebarView(data: SidebarQuery) {
  return {
    headlines: data.latestFeed.edges.map((edge) => edge.node),
    hasMore: data.latestFeed.pageInfo.hasNextPage,
    total: data.latestFeed.totalCount,
  };
}
