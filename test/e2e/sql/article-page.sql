-- ArticlePage: an article with authors, mentions and citations, and a 20-headline sidebar
-- 5 statements in the order they are sent (reads sent together sorted by name), parameters left out.
-- Written by test/e2e/sql-snapshots.e2e-spec.ts with UPDATE_SQL_SNAPSHOTS=1; compared on every run.

-- 1. article_by_slug
SELECT
  a.id AS "dbId",
  a.source_id AS "sourceId",
  a.slug,
  a.url,
  a.title,
  a.summary,
  a.paragraphs,
  a.language,
  a.published_at AS "publishedAt",
  a.updated_at AS "updatedAt",
  a.image_url AS "imageUrl",
  a.byline,
  json_build_object('dbId', s.id, 'slug', s.slug, 'name', s.name, 'aliases', s.aliases, 'homepageUrl', s.homepage_url, 'language', s.language, 'country', s.country, 'logoUrl', s.logo_url, 'kind', s.kind) AS "joinedSource"
FROM article a
JOIN source s ON s.id = a.source_id
WHERE a.slug = $1;

-- 2. feed_latest_1fhm1t3_d3
SELECT
  f.id AS "dbId",
  f.source_id AS "sourceId",
  f.article_id AS "articleId",
  f.published_at AS "publishedAt",
  f.position AS "position",
  f.headline AS "headline",
  f.url AS "url",
  s.id AS "source.dbId",
  s.name AS "source.name",
  a.id AS "article.dbId",
  a.source_id AS "article.sourceId",
  a.slug AS "article.slug"
FROM feed_item f
JOIN source s ON s.id = f.source_id
LEFT JOIN article a ON a.id = f.article_id
ORDER BY f.published_at DESC, f.position ASC, f.id ASC
LIMIT $1;

-- 3. authors_by_article_ids
SELECT
  l.article_id AS "articleId",
  p.id AS "dbId",
  p.slug,
  p.name,
  p.aliases,
  p.description
FROM article_author l
JOIN person p ON p.id = l.person_id
WHERE l.article_id = ANY($1::uuid[])
ORDER BY l.article_id, l.position;

-- 4. cited_sources_by_article_ids
SELECT
  l.article_id AS "articleId",
  s.id AS "dbId",
  s.slug,
  s.name,
  s.aliases,
  s.homepage_url AS "homepageUrl",
  s.language,
  s.country,
  s.logo_url AS "logoUrl",
  s.kind
FROM article_cited_source l
JOIN source s ON s.id = l.source_id
WHERE l.article_id = ANY($1::uuid[])
ORDER BY l.article_id, s.name;

-- 5. mentions_by_article_ids
SELECT
  l.article_id AS "articleId",
  l.count,
  p.id AS "dbId",
  p.slug,
  p.name,
  p.aliases,
  p.description
FROM article_mention l
JOIN person p ON p.id = l.person_id
WHERE l.article_id = ANY($1::uuid[])
ORDER BY l.article_id, l.count DESC, p.name;
