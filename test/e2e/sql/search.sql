-- SearchArticles: one word, every language, first page of 20
-- 3 statements in the order they are sent (reads sent together sorted by name), parameters left out.
-- Written by test/e2e/sql-snapshots.e2e-spec.ts with UPDATE_SQL_SNAPSHOTS=1; compared on every run.

-- 1. article_list_g8vouq_au
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
WHERE (to_tsvector('simple'::regconfig, a.search_text) @@ to_tsquery('simple'::regconfig, $2) OR $1 <% a.search_text)
ORDER BY a.published_at DESC, a.id DESC
LIMIT $3;

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

-- 3. article_count_a024bg_4i
SELECT count(*)::int AS count
FROM article a
WHERE (to_tsvector('simple'::regconfig, a.search_text) @@ to_tsquery('simple'::regconfig, $2) OR $1 <% a.search_text);
