-- Sidebar: the typed client’s latest feed, 20 headlines
-- 4 statements in the order they are sent (reads sent together sorted by name), parameters left out.
-- Written by test/e2e/sql-snapshots.e2e-spec.ts with UPDATE_SQL_SNAPSHOTS=1; compared on every run.

-- 1. feed_latest_pev73f_fc
SELECT
  f.id AS "dbId",
  f.source_id AS "sourceId",
  f.article_id AS "articleId",
  f.published_at AS "publishedAt",
  f.position AS "position",
  f.headline AS "headline",
  f.url AS "url",
  f.image_url AS "imageUrl",
  f.language AS "language",
  s.id AS "source.dbId",
  s.name AS "source.name",
  a.id AS "article.dbId",
  a.source_id AS "article.sourceId",
  a.slug AS "article.slug",
  a.title AS "article.title"
FROM feed_item f
JOIN source s ON s.id = f.source_id
LEFT JOIN article a ON a.id = f.article_id
ORDER BY f.published_at DESC, f.position ASC, f.id ASC
LIMIT $1;

-- 2. authors_by_article_ids_1db5q02_5h
SELECT
  l.article_id AS "articleId",
  p.id AS "dbId",
  p.name AS "name"
FROM article_author l
JOIN person p ON p.id = l.person_id
WHERE l.article_id = ANY($1::uuid[])
ORDER BY l.article_id, l.position;

-- 3. source_by_ids
SELECT
  s.id AS "dbId",
  s.slug,
  s.name,
  s.aliases,
  s.homepage_url AS "homepageUrl",
  s.language,
  s.country,
  s.logo_url AS "logoUrl",
  s.kind
FROM source s
WHERE s.id = ANY($1::uuid[]);

-- 4. feed_count_1u0yyyp_1a
SELECT count(*)::int AS count
FROM feed_item f;
