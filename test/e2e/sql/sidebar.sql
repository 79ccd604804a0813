-- Sidebar: the typed client’s latest feed, 20 headlines
-- 1 statement in the order they are sent (reads sent together sorted by name), parameters left out.
-- Written by test/e2e/sql-snapshots.e2e-spec.ts with UPDATE_SQL_SNAPSHOTS=1; compared on every run.

-- 1. compiled_1jy155l_1vt
SELECT json_build_object('latestFeed', (
  SELECT json_build_object('totalCount', (
    SELECT count(*)::int
    FROM feed_item f
  ), 'pageInfo', json_build_object('hasNextPage', count(*) > 20, 'hasPreviousPage', false, 'startCursor', (array_agg(rtrim(translate(encode(convert_to('[1,"feed","' || to_char(t0.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '",' || t0.position || ',"' || t0.id || '"]', 'UTF8'), 'base64'), E'+/\n', '-_'), '=') ORDER BY t0.n_) FILTER (WHERE t0.n_ <= 20))[1], 'endCursor', (array_agg(rtrim(translate(encode(convert_to('[1,"feed","' || to_char(t0.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '",' || t0.position || ',"' || t0.id || '"]', 'UTF8'), 'base64'), E'+/\n', '-_'), '=') ORDER BY t0.n_ DESC) FILTER (WHERE t0.n_ <= 20))[1]), 'edges', COALESCE(json_agg(json_build_object('cursor', rtrim(translate(encode(convert_to('[1,"feed","' || to_char(t0.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '",' || t0.position || ',"' || t0.id || '"]', 'UTF8'), 'base64'), E'+/\n', '-_'), '='), 'node', json_build_object('id', encode(convert_to('FeedItem:' || t0.id::text, 'UTF8'), 'base64'), 'headline', t0.headline, 'language', t0.language, 'url', t0.url, 'imageUrl', t0.image_url, 'publishedAt', to_char(t0.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'position', t0.position, 'source', (
    SELECT json_build_object('id', encode(convert_to('Source:' || t1.id::text, 'UTF8'), 'base64'), 'name', t1.name)
    FROM source t1
    WHERE t1.id = t0.source_id
  ), 'article', (
    SELECT json_build_object('id', encode(convert_to('Article:' || t2.id::text, 'UTF8'), 'base64'), 'slug', t2.slug, 'title', t2.title, 'source', (
      SELECT json_build_object('id', encode(convert_to('Source:' || t3.id::text, 'UTF8'), 'base64'), 'name', t3.name)
      FROM source t3
      WHERE t3.id = t2.source_id
    ), 'authors', COALESCE((
      SELECT json_agg(json_build_object('id', encode(convert_to('Person:' || t4.id::text, 'UTF8'), 'base64'), 'name', t4.name) ORDER BY t4l.position)
      FROM article_author t4l
      JOIN person t4 ON t4.id = t4l.person_id
      WHERE t4l.article_id = t2.id
    ), '[]'::json))
    FROM article t2
    WHERE t2.id = t0.article_id
  ))) ORDER BY t0.n_) FILTER (WHERE t0.n_ <= 20), '[]'::json))
  FROM (
    SELECT
      r.*,
      row_number() OVER (ORDER BY r.published_at DESC, r.position, r.id) AS n_
    FROM (
      SELECT f.*
      FROM feed_item f
      ORDER BY f.published_at DESC, f.position ASC, f.id ASC
      LIMIT 21
    ) r
  ) t0
))::text AS data;
