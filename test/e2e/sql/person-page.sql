-- PersonPage: an author, articles in any role, first page of 20
-- 4 statements in the order they are sent (reads sent together sorted by name), parameters left out.
-- Written by test/e2e/sql-snapshots.e2e-spec.ts with UPDATE_SQL_SNAPSHOTS=1; compared on every run.

-- 1. person_by_slug
SELECT
  p.id AS "dbId",
  p.slug,
  p.name,
  p.aliases,
  p.description
FROM person p
WHERE p.slug = $1;

-- 2. article_list_by_parent_v021kd_i5
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
  WHERE a.id IN (
      SELECT l.article_id
      FROM article_author l
      WHERE l.person_id = k.parent_id
      UNION
      SELECT l.article_id
      FROM article_mention l
      WHERE l.person_id = k.parent_id
    )
    AND NOT EXISTS (
      SELECT 1
      FROM article_cluster cp
      WHERE cp.article_id = a.id
        AND cp.canonical_id IS NOT NULL
    )
  ORDER BY a.published_at DESC, a.id DESC
  LIMIT $2
) x;

-- 3. article_count_by_parent_1jkeval_b4
SELECT
  k.parent_id AS "parentId",
  (
    SELECT count(*)::int
    FROM article a
    WHERE a.id IN (
        SELECT l.article_id
        FROM article_author l
        WHERE l.person_id = k.parent_id
        UNION
        SELECT l.article_id
        FROM article_mention l
        WHERE l.person_id = k.parent_id
      )
      AND NOT EXISTS (
        SELECT 1
        FROM article_cluster cp
        WHERE cp.article_id = a.id
          AND cp.canonical_id IS NOT NULL
      )
  ) AS count
FROM unnest($1::uuid[]) AS k(parent_id);

-- 4. source_by_ids
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
