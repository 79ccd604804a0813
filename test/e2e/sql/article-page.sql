-- ArticlePage: an article with authors, mentions and citations, and a 20-headline sidebar
-- 1 statement in the order they are sent (reads sent together sorted by name), parameters left out.
-- Written by test/e2e/sql-snapshots.e2e-spec.ts with UPDATE_SQL_SNAPSHOTS=1; compared on every run.

-- 1. compiled_e9ydym_2h1
SELECT json_build_object('article', (
  SELECT json_build_object('id', encode(convert_to('Article:' || t0.id::text, 'UTF8'), 'base64'), 'slug', t0.slug, 'url', t0.url, 'title', t0.title, 'summary', t0.summary, 'paragraphs', t0.paragraphs, 'language', t0.language, 'publishedAt', to_char(t0.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'updatedAt', to_char(t0.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'imageUrl', t0.image_url, 'byline', t0.byline, 'source', (
    SELECT json_build_object('id', encode(convert_to('Source:' || t1.id::text, 'UTF8'), 'base64'), 'slug', t1.slug, 'name', t1.name, 'homepageUrl', t1.homepage_url, 'language', t1.language, 'country', t1.country, 'kind', CASE t1.kind WHEN 'publisher' THEN 'PUBLISHER' WHEN 'agency' THEN 'AGENCY' WHEN 'broadcaster' THEN 'BROADCASTER' WHEN 'aggregator' THEN 'AGGREGATOR' WHEN 'blog' THEN 'BLOG' WHEN 'government' THEN 'GOVERNMENT' WHEN 'other' THEN 'OTHER' END)
    FROM source t1
    WHERE t1.id = t0.source_id
  ), 'authors', COALESCE((
    SELECT json_agg(json_build_object('id', encode(convert_to('Person:' || t2.id::text, 'UTF8'), 'base64'), 'name', t2.name) ORDER BY t2l.position)
    FROM article_author t2l
    JOIN person t2 ON t2.id = t2l.person_id
    WHERE t2l.article_id = t0.id
  ), '[]'::json), 'mentions', COALESCE((
    SELECT json_agg(json_build_object('count', t3.count, 'person', (
      SELECT json_build_object('id', encode(convert_to('Person:' || t4.id::text, 'UTF8'), 'base64'), 'slug', t4.slug, 'name', t4.name, 'aliases', t4.aliases)
      FROM person t4
      WHERE t4.id = t3.person_id
    )) ORDER BY t3.count DESC, t3p.name)
    FROM article_mention t3
    JOIN person t3p ON t3p.id = t3.person_id
    WHERE t3.article_id = t0.id
  ), '[]'::json), 'citedSources', COALESCE((
    SELECT json_agg(json_build_object('id', encode(convert_to('Source:' || t5.id::text, 'UTF8'), 'base64'), 'name', t5.name, 'kind', CASE t5.kind WHEN 'publisher' THEN 'PUBLISHER' WHEN 'agency' THEN 'AGENCY' WHEN 'broadcaster' THEN 'BROADCASTER' WHEN 'aggregator' THEN 'AGGREGATOR' WHEN 'blog' THEN 'BLOG' WHEN 'government' THEN 'GOVERNMENT' WHEN 'other' THEN 'OTHER' END) ORDER BY t5.name)
    FROM article_cited_source t5l
    JOIN source t5 ON t5.id = t5l.source_id
    WHERE t5l.article_id = t0.id
  ), '[]'::json))
  FROM (
    SELECT a.*
    FROM article a
    WHERE a.slug = $1
  ) t0
), 'latestFeed', (
  SELECT json_build_object('edges', COALESCE(json_agg(json_build_object('node', json_build_object('id', encode(convert_to('FeedItem:' || t0.id::text, 'UTF8'), 'base64'), 'headline', t0.headline, 'url', t0.url, 'publishedAt', to_char(t0.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'source', (
    SELECT json_build_object('id', encode(convert_to('Source:' || t6.id::text, 'UTF8'), 'base64'), 'name', t6.name)
    FROM source t6
    WHERE t6.id = t0.source_id
  ), 'article', (
    SELECT json_build_object('id', encode(convert_to('Article:' || t7.id::text, 'UTF8'), 'base64'), 'slug', t7.slug)
    FROM article t7
    WHERE t7.id = t0.article_id
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
