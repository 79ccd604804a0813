/** The two operations every benchmarked server answers, with the same JSON. */
export const SIDEBAR_QUERY = `query Sidebar {
  latestFeed(first: 20) {
    edges { node { headline source { name } article { title authors { name } } } }
  }
}`;

export const ARTICLE_PAGE_QUERY = `query ArticlePage($slug: String!) {
  article(slug: $slug) {
    title paragraphs publishedAt byline
    source { name }
    authors { name }
    mentions { count person { name } }
    citedSources { name }
  }
  latestFeed(first: 20) {
    edges { node { headline source { name } article { title authors { name } } } }
  }
}`;
