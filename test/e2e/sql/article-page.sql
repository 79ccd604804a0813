-- ArticlePage: an article with authors, mentions and citations, and a 20-headline sidebar
-- 1 statement in the order they are sent (reads sent together sorted by name), parameters left out.
-- Written by test/e2e/sql-snapshots.e2e-spec.ts with UPDATE_SQL_SNAPSHOTS=1; compared on every run.

-- 1. compiled_1qeg46w_2sv
SELECT row_to_json(d)::text AS data
FROM (
  SELECT
    (
      SELECT row_to_json(j)
      FROM (
        SELECT
          encode(convert_to('Article:' || t0.id::text, 'UTF8'), 'base64') AS "id",
          t0.slug AS "slug",
          t0.url AS "url",
          t0.title AS "title",
          t0.summary AS "summary",
          t0.paragraphs AS "paragraphs",
          t0.language AS "language",
          to_char(t0.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "publishedAt",
          to_char(t0.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt",
          t0.image_url AS "imageUrl",
          t0.byline AS "byline",
          CASE WHEN t1.id IS NULL THEN NULL ELSE (
            SELECT row_to_json(j)
            FROM (
              SELECT
                encode(convert_to('Source:' || t1.id::text, 'UTF8'), 'base64') AS "id",
                t1.slug AS "slug",
                t1.name AS "name",
                t1.homepage_url AS "homepageUrl",
                t1.language AS "language",
                t1.country AS "country",
                CASE t1.kind WHEN 'publisher' THEN 'PUBLISHER' WHEN 'agency' THEN 'AGENCY' WHEN 'broadcaster' THEN 'BROADCASTER' WHEN 'aggregator' THEN 'AGGREGATOR' WHEN 'blog' THEN 'BLOG' WHEN 'government' THEN 'GOVERNMENT' WHEN 'other' THEN 'OTHER' END AS "kind"
            ) j
          ) END AS "source",
          (
            SELECT coalesce(array_to_json(array_agg(row_to_json(j))), '[]'::json)
            FROM (
              SELECT
                encode(convert_to('Person:' || t2.id::text, 'UTF8'), 'base64') AS "id",
                t2.name AS "name"
              FROM article_author t2l
              JOIN person t2 ON t2.id = t2l.person_id
              WHERE t2l.article_id = t0.id
              ORDER BY t2l.position
            ) j
          ) AS "authors",
          (
            SELECT coalesce(array_to_json(array_agg(row_to_json(j))), '[]'::json)
            FROM (
              SELECT
                t3.count AS "count",
                (
                  SELECT row_to_json(j)
                  FROM (
                    SELECT
                      encode(convert_to('Person:' || t4.id::text, 'UTF8'), 'base64') AS "id",
                      t4.slug AS "slug",
                      t4.name AS "name",
                      t4.aliases AS "aliases"
                    FROM person t4
                    WHERE t4.id = t3.person_id
                  ) j
                ) AS "person"
              FROM article_mention t3
              JOIN person t3p ON t3p.id = t3.person_id
              WHERE t3.article_id = t0.id
              ORDER BY t3.count DESC, t3p.name
            ) j
          ) AS "mentions",
          (
            SELECT coalesce(array_to_json(array_agg(row_to_json(j))), '[]'::json)
            FROM (
              SELECT
                encode(convert_to('Source:' || t5.id::text, 'UTF8'), 'base64') AS "id",
                t5.name AS "name",
                CASE t5.kind WHEN 'publisher' THEN 'PUBLISHER' WHEN 'agency' THEN 'AGENCY' WHEN 'broadcaster' THEN 'BROADCASTER' WHEN 'aggregator' THEN 'AGGREGATOR' WHEN 'blog' THEN 'BLOG' WHEN 'government' THEN 'GOVERNMENT' WHEN 'other' THEN 'OTHER' END AS "kind"
              FROM article_cited_source t5l
              JOIN source t5 ON t5.id = t5l.source_id
              WHERE t5l.article_id = t0.id
              ORDER BY t5.name
            ) j
          ) AS "citedSources"
        FROM (
          SELECT a.*
          FROM article a
          WHERE a.slug = $1
        ) t0
        LEFT JOIN source t1 ON t1.id = t0.source_id
      ) j
    ) AS "article",
    (
      SELECT row_to_json(j)
      FROM (
        SELECT p.edges AS "edges"
        FROM (
          SELECT (
            SELECT coalesce(array_to_json(array_agg((
              SELECT row_to_json(j)
              FROM (
                SELECT (
                  SELECT row_to_json(j)
                  FROM (
                    SELECT
                      encode(convert_to('FeedItem:' || t0.id::text, 'UTF8'), 'base64') AS "id",
                      t0.headline AS "headline",
                      t0.url AS "url",
                      to_char(t0.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "publishedAt",
                      CASE WHEN t6.id IS NULL THEN NULL ELSE (
                        SELECT row_to_json(j)
                        FROM (
                          SELECT
                            encode(convert_to('Source:' || t6.id::text, 'UTF8'), 'base64') AS "id",
                            t6.name AS "name"
                        ) j
                      ) END AS "source",
                      CASE WHEN t7.id IS NULL THEN NULL ELSE (
                        SELECT row_to_json(j)
                        FROM (
                          SELECT
                            encode(convert_to('Article:' || t7.id::text, 'UTF8'), 'base64') AS "id",
                            t7.slug AS "slug"
                        ) j
                      ) END AS "article"
                  ) j
                ) AS "node"
              ) j
            ) ORDER BY t0.published_at DESC, t0.position, t0.id)), '[]'::json)
            FROM (
              SELECT f.*
              FROM feed_item f
              WHERE f.listed
              ORDER BY f.published_at DESC, f.position ASC, f.id ASC
              LIMIT 20
            ) t0
            LEFT JOIN source t6 ON t6.id = t0.source_id
            LEFT JOIN article t7 ON t7.id = t0.article_id
          ) AS edges
        ) p
      ) j
    ) AS "latestFeed"
) d;
