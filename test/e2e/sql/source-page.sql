-- SourcePage: a publisher, 10 headlines and the first 20 articles
-- 5 statements in the order they are sent (reads sent together sorted by name), parameters left out.
-- Written by test/e2e/sql-snapshots.e2e-spec.ts with UPDATE_SQL_SNAPSHOTS=1; compared on every run.

-- 1. source_by_slug
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
WHERE s.slug = $1;

-- 2. article_list_by_parent_16t562_b9
SELECT
  k.parent_id AS "parentId",
  x.*
FROM unnest($1::uuid[]) AS k(parent_id)
CROSS JOIN LATERAL (
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
    a.byline
  FROM article a
  WHERE a.source_id = k.parent_id
  ORDER BY a.published_at DESC, a.id DESC
  LIMIT $2
) x;

-- 3. feed_latest_by_source_rnvzfg_ay
SELECT
  k.parent_id AS "parentId",
  x.*
FROM unnest($1::uuid[]) AS k(parent_id)
CROSS JOIN LATERAL (
  SELECT
    f.id AS "dbId",
    f.source_id AS "sourceId",
    f.article_id AS "articleId",
    f.headline,
    f.url,
    f.image_url AS "imageUrl",
    f.language,
    f.published_at AS "publishedAt",
    f.position
  FROM feed_item f
  WHERE f.source_id = k.parent_id
  ORDER BY f.published_at DESC, f.position ASC, f.id ASC
  LIMIT $2
) x;

-- 4. article_count_by_parent_vlfeoe_48
SELECT
  k.parent_id AS "parentId",
  (
    SELECT count(*)::int
    FROM article a
    WHERE a.source_id = k.parent_id
  ) AS count
FROM unnest($1::uuid[]) AS k(parent_id);

-- 5. source_by_ids
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
