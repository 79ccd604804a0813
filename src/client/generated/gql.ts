/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ArticlePage($slug: String!, $sidebar: Int = 20) {\n  article(slug: $slug) {\n    id\n    slug\n    url\n    title\n    summary\n    paragraphs\n    language\n    publishedAt\n    updatedAt\n    imageUrl\n    byline\n    source {\n      id\n      slug\n      name\n      homepageUrl\n      language\n      country\n      kind\n    }\n    authors {\n      id\n      name\n    }\n    mentions {\n      count\n      person {\n        id\n        slug\n        name\n        aliases\n      }\n    }\n    citedSources {\n      id\n      name\n      kind\n    }\n  }\n  latestFeed(first: $sidebar) {\n    edges {\n      node {\n        id\n        headline\n        url\n        publishedAt\n        source {\n          id\n          name\n        }\n        article {\n          id\n          slug\n        }\n      }\n    }\n  }\n}": typeof types.ArticlePageDocument,
    "fragment ArticleCard on Article {\n  id\n  slug\n  url\n  title\n  summary\n  language\n  publishedAt\n  imageUrl\n  source {\n    id\n    slug\n    name\n  }\n}\n\nfragment PageCursors on PageInfo {\n  hasNextPage\n  hasPreviousPage\n  startCursor\n  endCursor\n}\n\nfragment ArticleList on ArticleConnection {\n  totalCount\n  pageInfo {\n    ...PageCursors\n  }\n  edges {\n    cursor\n    node {\n      ...ArticleCard\n    }\n  }\n}": typeof types.ArticleCardFragmentDoc,
    "subscription HeadlinesAdded($filter: FeedItemAddedFilter) {\n  feedItemAdded(filter: $filter) {\n    id\n    headline\n    language\n    url\n    publishedAt\n    source {\n      id\n      name\n    }\n    article {\n      id\n      slug\n      title\n    }\n  }\n}": typeof types.HeadlinesAddedDocument,
    "query PersonPage($slug: String!, $role: PersonRole, $first: Int = 20, $after: String) {\n  person(slug: $slug) {\n    id\n    slug\n    name\n    aliases\n    description\n    articles(role: $role, first: $first, after: $after) {\n      ...ArticleList\n    }\n  }\n}": typeof types.PersonPageDocument,
    "query SearchArticles($query: String!, $language: String, $first: Int = 20, $after: String) {\n  articles(\n    filter: {search: $query, language: $language}\n    first: $first\n    after: $after\n  ) {\n    ...ArticleList\n  }\n}": typeof types.SearchArticlesDocument,
    "query Sidebar($first: Int, $after: String, $sourceId: ID, $language: String) {\n  latestFeed(\n    first: $first\n    after: $after\n    sourceId: $sourceId\n    language: $language\n  ) {\n    totalCount\n    pageInfo {\n      ...PageCursors\n    }\n    edges {\n      cursor\n      node {\n        id\n        headline\n        language\n        url\n        imageUrl\n        publishedAt\n        position\n        source {\n          id\n          name\n        }\n        article {\n          id\n          slug\n          title\n          source {\n            id\n            name\n          }\n          authors {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n}": typeof types.SidebarDocument,
    "query SourcePage($slug: String!, $first: Int = 20, $after: String, $headlines: Int = 10) {\n  source(slug: $slug) {\n    id\n    slug\n    name\n    kind\n    homepageUrl\n    logoUrl\n    language\n    country\n    aliases\n    latestFeed(first: $headlines) {\n      edges {\n        node {\n          id\n          headline\n          url\n          publishedAt\n        }\n      }\n    }\n    articles(first: $first, after: $after) {\n      ...ArticleList\n    }\n  }\n}": typeof types.SourcePageDocument,
};
const documents: Documents = {
    "query ArticlePage($slug: String!, $sidebar: Int = 20) {\n  article(slug: $slug) {\n    id\n    slug\n    url\n    title\n    summary\n    paragraphs\n    language\n    publishedAt\n    updatedAt\n    imageUrl\n    byline\n    source {\n      id\n      slug\n      name\n      homepageUrl\n      language\n      country\n      kind\n    }\n    authors {\n      id\n      name\n    }\n    mentions {\n      count\n      person {\n        id\n        slug\n        name\n        aliases\n      }\n    }\n    citedSources {\n      id\n      name\n      kind\n    }\n  }\n  latestFeed(first: $sidebar) {\n    edges {\n      node {\n        id\n        headline\n        url\n        publishedAt\n        source {\n          id\n          name\n        }\n        article {\n          id\n          slug\n        }\n      }\n    }\n  }\n}": types.ArticlePageDocument,
    "fragment ArticleCard on Article {\n  id\n  slug\n  url\n  title\n  summary\n  language\n  publishedAt\n  imageUrl\n  source {\n    id\n    slug\n    name\n  }\n}\n\nfragment PageCursors on PageInfo {\n  hasNextPage\n  hasPreviousPage\n  startCursor\n  endCursor\n}\n\nfragment ArticleList on ArticleConnection {\n  totalCount\n  pageInfo {\n    ...PageCursors\n  }\n  edges {\n    cursor\n    node {\n      ...ArticleCard\n    }\n  }\n}": types.ArticleCardFragmentDoc,
    "subscription HeadlinesAdded($filter: FeedItemAddedFilter) {\n  feedItemAdded(filter: $filter) {\n    id\n    headline\n    language\n    url\n    publishedAt\n    source {\n      id\n      name\n    }\n    article {\n      id\n      slug\n      title\n    }\n  }\n}": types.HeadlinesAddedDocument,
    "query PersonPage($slug: String!, $role: PersonRole, $first: Int = 20, $after: String) {\n  person(slug: $slug) {\n    id\n    slug\n    name\n    aliases\n    description\n    articles(role: $role, first: $first, after: $after) {\n      ...ArticleList\n    }\n  }\n}": types.PersonPageDocument,
    "query SearchArticles($query: String!, $language: String, $first: Int = 20, $after: String) {\n  articles(\n    filter: {search: $query, language: $language}\n    first: $first\n    after: $after\n  ) {\n    ...ArticleList\n  }\n}": types.SearchArticlesDocument,
    "query Sidebar($first: Int, $after: String, $sourceId: ID, $language: String) {\n  latestFeed(\n    first: $first\n    after: $after\n    sourceId: $sourceId\n    language: $language\n  ) {\n    totalCount\n    pageInfo {\n      ...PageCursors\n    }\n    edges {\n      cursor\n      node {\n        id\n        headline\n        language\n        url\n        imageUrl\n        publishedAt\n        position\n        source {\n          id\n          name\n        }\n        article {\n          id\n          slug\n          title\n          source {\n            id\n            name\n          }\n          authors {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n}": types.SidebarDocument,
    "query SourcePage($slug: String!, $first: Int = 20, $after: String, $headlines: Int = 10) {\n  source(slug: $slug) {\n    id\n    slug\n    name\n    kind\n    homepageUrl\n    logoUrl\n    language\n    country\n    aliases\n    latestFeed(first: $headlines) {\n      edges {\n        node {\n          id\n          headline\n          url\n          publishedAt\n        }\n      }\n    }\n    articles(first: $first, after: $after) {\n      ...ArticleList\n    }\n  }\n}": types.SourcePageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ArticlePage($slug: String!, $sidebar: Int = 20) {\n  article(slug: $slug) {\n    id\n    slug\n    url\n    title\n    summary\n    paragraphs\n    language\n    publishedAt\n    updatedAt\n    imageUrl\n    byline\n    source {\n      id\n      slug\n      name\n      homepageUrl\n      language\n      country\n      kind\n    }\n    authors {\n      id\n      name\n    }\n    mentions {\n      count\n      person {\n        id\n        slug\n        name\n        aliases\n      }\n    }\n    citedSources {\n      id\n      name\n      kind\n    }\n  }\n  latestFeed(first: $sidebar) {\n    edges {\n      node {\n        id\n        headline\n        url\n        publishedAt\n        source {\n          id\n          name\n        }\n        article {\n          id\n          slug\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ArticlePage($slug: String!, $sidebar: Int = 20) {\n  article(slug: $slug) {\n    id\n    slug\n    url\n    title\n    summary\n    paragraphs\n    language\n    publishedAt\n    updatedAt\n    imageUrl\n    byline\n    source {\n      id\n      slug\n      name\n      homepageUrl\n      language\n      country\n      kind\n    }\n    authors {\n      id\n      name\n    }\n    mentions {\n      count\n      person {\n        id\n        slug\n        name\n        aliases\n      }\n    }\n    citedSources {\n      id\n      name\n      kind\n    }\n  }\n  latestFeed(first: $sidebar) {\n    edges {\n      node {\n        id\n        headline\n        url\n        publishedAt\n        source {\n          id\n          name\n        }\n        article {\n          id\n          slug\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ArticleCard on Article {\n  id\n  slug\n  url\n  title\n  summary\n  language\n  publishedAt\n  imageUrl\n  source {\n    id\n    slug\n    name\n  }\n}\n\nfragment PageCursors on PageInfo {\n  hasNextPage\n  hasPreviousPage\n  startCursor\n  endCursor\n}\n\nfragment ArticleList on ArticleConnection {\n  totalCount\n  pageInfo {\n    ...PageCursors\n  }\n  edges {\n    cursor\n    node {\n      ...ArticleCard\n    }\n  }\n}"): (typeof documents)["fragment ArticleCard on Article {\n  id\n  slug\n  url\n  title\n  summary\n  language\n  publishedAt\n  imageUrl\n  source {\n    id\n    slug\n    name\n  }\n}\n\nfragment PageCursors on PageInfo {\n  hasNextPage\n  hasPreviousPage\n  startCursor\n  endCursor\n}\n\nfragment ArticleList on ArticleConnection {\n  totalCount\n  pageInfo {\n    ...PageCursors\n  }\n  edges {\n    cursor\n    node {\n      ...ArticleCard\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription HeadlinesAdded($filter: FeedItemAddedFilter) {\n  feedItemAdded(filter: $filter) {\n    id\n    headline\n    language\n    url\n    publishedAt\n    source {\n      id\n      name\n    }\n    article {\n      id\n      slug\n      title\n    }\n  }\n}"): (typeof documents)["subscription HeadlinesAdded($filter: FeedItemAddedFilter) {\n  feedItemAdded(filter: $filter) {\n    id\n    headline\n    language\n    url\n    publishedAt\n    source {\n      id\n      name\n    }\n    article {\n      id\n      slug\n      title\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PersonPage($slug: String!, $role: PersonRole, $first: Int = 20, $after: String) {\n  person(slug: $slug) {\n    id\n    slug\n    name\n    aliases\n    description\n    articles(role: $role, first: $first, after: $after) {\n      ...ArticleList\n    }\n  }\n}"): (typeof documents)["query PersonPage($slug: String!, $role: PersonRole, $first: Int = 20, $after: String) {\n  person(slug: $slug) {\n    id\n    slug\n    name\n    aliases\n    description\n    articles(role: $role, first: $first, after: $after) {\n      ...ArticleList\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SearchArticles($query: String!, $language: String, $first: Int = 20, $after: String) {\n  articles(\n    filter: {search: $query, language: $language}\n    first: $first\n    after: $after\n  ) {\n    ...ArticleList\n  }\n}"): (typeof documents)["query SearchArticles($query: String!, $language: String, $first: Int = 20, $after: String) {\n  articles(\n    filter: {search: $query, language: $language}\n    first: $first\n    after: $after\n  ) {\n    ...ArticleList\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Sidebar($first: Int, $after: String, $sourceId: ID, $language: String) {\n  latestFeed(\n    first: $first\n    after: $after\n    sourceId: $sourceId\n    language: $language\n  ) {\n    totalCount\n    pageInfo {\n      ...PageCursors\n    }\n    edges {\n      cursor\n      node {\n        id\n        headline\n        language\n        url\n        imageUrl\n        publishedAt\n        position\n        source {\n          id\n          name\n        }\n        article {\n          id\n          slug\n          title\n          source {\n            id\n            name\n          }\n          authors {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query Sidebar($first: Int, $after: String, $sourceId: ID, $language: String) {\n  latestFeed(\n    first: $first\n    after: $after\n    sourceId: $sourceId\n    language: $language\n  ) {\n    totalCount\n    pageInfo {\n      ...PageCursors\n    }\n    edges {\n      cursor\n      node {\n        id\n        headline\n        language\n        url\n        imageUrl\n        publishedAt\n        position\n        source {\n          id\n          name\n        }\n        article {\n          id\n          slug\n          title\n          source {\n            id\n            name\n          }\n          authors {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SourcePage($slug: String!, $first: Int = 20, $after: String, $headlines: Int = 10) {\n  source(slug: $slug) {\n    id\n    slug\n    name\n    kind\n    homepageUrl\n    logoUrl\n    language\n    country\n    aliases\n    latestFeed(first: $headlines) {\n      edges {\n        node {\n          id\n          headline\n          url\n          publishedAt\n        }\n      }\n    }\n    articles(first: $first, after: $after) {\n      ...ArticleList\n    }\n  }\n}"): (typeof documents)["query SourcePage($slug: String!, $first: Int = 20, $after: String, $headlines: Int = 10) {\n  source(slug: $slug) {\n    id\n    slug\n    name\n    kind\n    homepageUrl\n    logoUrl\n    language\n    country\n    aliases\n    latestFeed(first: $headlines) {\n      edges {\n        node {\n          id\n          headline\n          url\n          publishedAt\n        }\n      }\n    }\n    articles(first: $first, after: $after) {\n      ...ArticleList\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;