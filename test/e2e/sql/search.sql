-- SearchArticles: one word, every language, first page of 20
-- 3 statements in the order they are sent (reads sent together sorted by name), parameters left out.
-- Written by test/e2e/sql-snapshots.e2e-spec.ts with UPDATE_SQL_SNAPSHOTS=1; compared on every run.

-- 1. article_list_13qas2v_1cy
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
  a.search_rank AS "searchRank"
FROM (
  SELECT
    a.*,
    (CASE WHEN (to_tsvector('simple'::regconfig, lower(a.title)) @@ to_tsquery('simple'::regconfig, $5) OR $4 <% lower(a.title)) OR a.id = ANY(ARRAY(
      SELECT nm.article_id
      FROM article_mention nm
      WHERE nm.person_id = ANY(ARRAY(
        SELECT e.id
        FROM person e
        WHERE EXISTS (
          SELECT 1
          FROM unnest(array_prepend(e.name, e.aliases)) n(name)
          WHERE translate(lower(n.name), 'ς', 'σ') = ANY($6::text[])
        )
      ))
      UNION
      SELECT nc.article_id
      FROM article_cited_source nc
      WHERE nc.source_id = ANY(ARRAY(
        SELECT e.id
        FROM source e
        WHERE EXISTS (
          SELECT 1
          FROM unnest(array_prepend(e.name, e.aliases)) n(name)
          WHERE translate(lower(n.name), 'ς', 'σ') = ANY($6::text[])
        )
      ))
    )) THEN 1 ELSE 0 END) AS search_rank
  FROM article a
  WHERE ((to_tsvector('simple'::regconfig, a.search_text) @@ to_tsquery('simple'::regconfig, $2) OR $1 <% a.search_text) OR a.id = ANY(ARRAY(
      SELECT nm.article_id
      FROM article_mention nm
      WHERE nm.person_id = ANY(ARRAY(
        SELECT e.id
        FROM person e
        WHERE EXISTS (
          SELECT 1
          FROM unnest(array_prepend(e.name, e.aliases)) n(name)
          WHERE translate(lower(n.name), 'ς', 'σ') = ANY($3::text[])
        )
      ))
      UNION
      SELECT nc.article_id
      FROM article_cited_source nc
      WHERE nc.source_id = ANY(ARRAY(
        SELECT e.id
        FROM source e
        WHERE EXISTS (
          SELECT 1
          FROM unnest(array_prepend(e.name, e.aliases)) n(name)
          WHERE translate(lower(n.name), 'ς', 'σ') = ANY($3::text[])
        )
      ))
    )))
    AND NOT EXISTS (
      SELECT 1
      FROM article_cluster cp
      WHERE cp.article_id = a.id
        AND cp.canonical_id IS NOT NULL
    )
) a
ORDER BY a.search_rank DESC, a.published_at DESC, a.id DESC
LIMIT $7;

-- 2. source_by_ids
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

-- 3. article_count_eeobif_lw
SELECT count(*)::int AS count
FROM article a
WHERE ((to_tsvector('simple'::regconfig, a.search_text) @@ to_tsquery('simple'::regconfig, $2) OR $1 <% a.search_text) OR a.id = ANY(ARRAY(
    SELECT nm.article_id
    FROM article_mention nm
    WHERE nm.person_id = ANY(ARRAY(
      SELECT e.id
      FROM person e
      WHERE EXISTS (
        SELECT 1
        FROM unnest(array_prepend(e.name, e.aliases)) n(name)
        WHERE translate(lower(n.name), 'ς', 'σ') = ANY($3::text[])
      )
    ))
    UNION
    SELECT nc.article_id
    FROM article_cited_source nc
    WHERE nc.source_id = ANY(ARRAY(
      SELECT e.id
      FROM source e
      WHERE EXISTS (
        SELECT 1
        FROM unnest(array_prepend(e.name, e.aliases)) n(name)
        WHERE translate(lower(n.name), 'ς', 'σ') = ANY($3::text[])
      )
    ))
  )))
  AND NOT EXISTS (
    SELECT 1
    FROM article_cluster cp
    WHERE cp.article_id = a.id
      AND cp.canonical_id IS NOT NULL
  );
