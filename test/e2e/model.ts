import type { FixtureArticle, FixtureFeedItem, FixturePerson, Fixtures, FixtureSource } from '../support/fixtures';

/** Expected GraphQL shapes, computed from the fixture model: the fragments of test/e2e/operations/fields.graphql. */

export function sourceJson(s: FixtureSource) {
  return {
    id: s.id,
    slug: s.slug,
    name: s.name,
    aliases: s.aliases,
    homepageUrl: s.homepageUrl,
    language: s.language,
    country: s.country,
    logoUrl: s.logoUrl,
    kind: s.kind.toUpperCase(),
  };
}

export function personJson(p: FixturePerson) {
  return { id: p.id, slug: p.slug, name: p.name, aliases: p.aliases, description: p.description };
}

export function articleJson(fx: Fixtures, a: FixtureArticle) {
  const person = (dbId: string) => fx.personByDbId.get(dbId)!;
  const source = (dbId: string) => fx.sourceByDbId.get(dbId)!;
  return {
    id: a.id,
    slug: a.slug,
    url: a.url,
    title: a.title,
    summary: a.summary,
    paragraphs: a.paragraphs,
    language: a.language,
    publishedAt: a.publishedAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    imageUrl: a.imageUrl,
    byline: a.byline,
    source: sourceJson(source(a.sourceId)),
    authors: a.authorIds.map((id) => ({ id: person(id).id, name: person(id).name })),
    // Most mentioned first, then by name.
    mentions: [...a.mentions]
      .sort((x, y) => y.count - x.count || (person(x.personId).name < person(y.personId).name ? -1 : 1))
      .map((m) => ({ count: m.count, person: { id: person(m.personId).id, name: person(m.personId).name } })),
    citedSources: a.citedSourceIds
      .map(source)
      .sort((x, y) => (x.name < y.name ? -1 : 1))
      .map((s) => ({ id: s.id, name: s.name })),
  };
}

export function feedItemJson(fx: Fixtures, f: FixtureFeedItem) {
  const source = fx.sourceByDbId.get(f.sourceId)!;
  const article = f.articleId ? fx.articleByDbId.get(f.articleId)! : null;
  return {
    id: f.id,
    headline: f.headline,
    url: f.url,
    imageUrl: f.imageUrl,
    language: f.language,
    publishedAt: f.publishedAt.toISOString(),
    position: f.position,
    source: { id: source.id, name: source.name },
    article: article ? { id: article.id, title: article.title, source: { id: fx.sourceByDbId.get(article.sourceId)!.id } } : null,
  };
}
