-- Sidebar: the typed client’s latest feed, 20 headlines
-- 1 statement in the order they are sent (reads sent together sorted by name), parameters left out.
-- Written by test/e2e/sql-snapshots.e2e-spec.ts with UPDATE_SQL_SNAPSHOTS=1; compared on every run.

-- 1. compiled_asbem_26d
SELECT row_to_json(d)::text AS data
FROM (
  SELECT (
    SELECT row_to_json(j)
    FROM (
      SELECT
        (
          SELECT count(*)::int
          FROM feed_item f
          WHERE f.listed
        ) AS "totalCount",
        (
          SELECT row_to_json(j)
          FROM (
            SELECT
              p.rows > 20 AS "hasNextPage",
              false AS "hasPreviousPage",
              p.start_cursor AS "startCursor",
              p.end_cursor AS "endCursor"
          ) j
        ) AS "pageInfo",
        p.edges AS "edges"
      FROM (
        SELECT
          coalesce(array_to_json(array_agg(e.edge ORDER BY e.n_) FILTER (WHERE e.n_ <= 20)), '[]'::json) AS edges,
          count(*) AS rows,
          (array_agg(e.cursor ORDER BY e.n_) FILTER (WHERE e.n_ <= 20))[1] AS start_cursor,
          (array_agg(e.cursor ORDER BY e.n_ DESC) FILTER (WHERE e.n_ <= 20))[1] AS end_cursor
        FROM (
          SELECT
            t0.n_,
            CASE WHEN t0.n_ <= 20 THEN (
              SELECT row_to_json(j)
              FROM (
                SELECT
                  rtrim(translate(encode(convert_to('[1,"feed","' || to_char(t0.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '",' || t0.position || ',"' || t0.id || '"]', 'UTF8'), 'base64'), E'+/\n', '-_'), '=') AS "cursor",
                  (
                    SELECT row_to_json(j)
                    FROM (
                      SELECT
                        encode(convert_to('FeedItem:' || t0.id::text, 'UTF8'), 'base64') AS "id",
                        t0.headline AS "headline",
                        t0.language AS "language",
                        t0.url AS "url",
                        t0.image_url AS "imageUrl",
                        to_char(t0.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "publishedAt",
                        t0.position AS "position",
                        CASE WHEN t1.id IS NULL THEN NULL ELSE (
                          SELECT row_to_json(j)
                          FROM (
                            SELECT
                              encode(convert_to('Source:' || t1.id::text, 'UTF8'), 'base64') AS "id",
                              t1.name AS "name"
                          ) j
                        ) END AS "source",
                        CASE WHEN t2.id IS NULL THEN NULL ELSE (
                          SELECT row_to_json(j)
                          FROM (
                            SELECT
                              encode(convert_to('Article:' || t2.id::text, 'UTF8'), 'base64') AS "id",
                              t2.slug AS "slug",
                              t2.title AS "title",
                              CASE WHEN t3.id IS NULL THEN NULL ELSE (
                                SELECT row_to_json(j)
                                FROM (
                                  SELECT
                                    encode(convert_to('Source:' || t3.id::text, 'UTF8'), 'base64') AS "id",
                                    t3.name AS "name"
                                ) j
                              ) END AS "source",
                              (
                                SELECT coalesce(array_to_json(array_agg(row_to_json(j))), '[]'::json)
                                FROM (
                                  SELECT
                                    encode(convert_to('Person:' || t4.id::text, 'UTF8'), 'base64') AS "id",
                                    t4.name AS "name"
                                  FROM article_author t4l
                                  JOIN person t4 ON t4.id = t4l.person_id
                                  WHERE t4l.article_id = t2.id
                                  ORDER BY t4l.position
                                ) j
                              ) AS "authors"
                          ) j
                        ) END AS "article"
                    ) j
                  ) AS "node"
              ) j
            ) END AS edge,
            rtrim(translate(encode(convert_to('[1,"feed","' || to_char(t0.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '",' || t0.position || ',"' || t0.id || '"]', 'UTF8'), 'base64'), E'+/\n', '-_'), '=') AS cursor
          FROM (
            SELECT
              t0.*,
              row_number() OVER (ORDER BY t0.published_at DESC, t0.position, t0.id) AS n_
            FROM (
              SELECT f.*
              FROM feed_item f
              WHERE f.listed
              ORDER BY f.published_at DESC, f.position ASC, f.id ASC
              LIMIT 21
            ) t0
          ) t0
          LEFT JOIN source t1 ON t1.id = t0.source_id
          LEFT JOIN article t2 ON t2.id = t0.article_id
          LEFT JOIN source t3 ON t3.id = t2.source_id
        ) e
      ) p
    ) j
  ) AS "latestFeed"
) d;
