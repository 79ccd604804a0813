-- Ingest: one run of a source whose one feed has 3 new items (2 with article pages, one author new)
-- 20 statements in the order they are sent (reads sent together sorted by name), parameters left out.
-- Written by test/e2e/sql-snapshots.e2e-spec.ts with UPDATE_SQL_SNAPSHOTS=1; compared on every run.

-- 1. source_fetch_state_claim
UPDATE source_fetch_state s
SET
  lease_owner = $2,
  lease_until = now() + make_interval(secs => $3),
  last_attempt_at = now()
WHERE s.source_id = $1
  AND (s.lease_until IS NULL OR s.lease_until < now())
  AND (NOT $4 OR (s.state = 'active' AND s.next_run_at <= now()))
RETURNING
  s.source_id AS "sourceId",
  s.interval_minutes AS "intervalMinutes",
  s.time_zone AS "timeZone",
  s.state,
  s.next_run_at AS "nextRunAt",
  s.last_attempt_at AS "lastAttemptAt",
  s.last_success_at AS "lastSuccessAt",
  s.last_error AS "lastError",
  s.last_error_at AS "lastErrorAt",
  s.consecutive_failures AS "consecutiveFailures",
  s.items_seen AS "itemsSeen",
  s.items_seen_total AS "itemsSeenTotal",
  s.lease_owner AS "leaseOwner",
  s.lease_until AS "leaseUntil";

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

-- 3. source_feeds_by_source_ids
SELECT
  f.id,
  f.source_id AS "sourceId",
  f.url,
  f.position,
  f.etag,
  f.last_modified AS "lastModified",
  f.last_fetched_at AS "lastFetchedAt",
  f.last_status AS "lastStatus",
  f.last_error AS "lastError",
  f.items_seen AS "itemsSeen"
FROM source_feed f
WHERE f.source_id = ANY($1::uuid[])
ORDER BY f.source_id, f.position;

-- 4. article_dates_by_urls
SELECT
  url,
  published_at AS "publishedAt",
  updated_at AS "updatedAt"
FROM article
WHERE url = ANY($1::text[]);

-- 5. person_aliases
SELECT
  id,
  slug,
  name,
  aliases
FROM person;

-- 6. source_aliases
SELECT
  id,
  name,
  aliases
FROM source;

-- 7. unnamed (TypeORM)
START TRANSACTION;

-- 8. person_insert_many_if_absent (in transaction)
WITH input AS (
  SELECT
    t.slug,
    t.name,
    t.search_text,
    t.ord
  FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(slug, name, search_text, ord)
), inserted AS (INSERT INTO person (slug, name, aliases, description, search_text) SELECT i.slug, i.name, ARRAY[i.name], NULL, i.search_text FROM input i ORDER BY i.ord ON CONFLICT (slug) DO NOTHING RETURNING id, slug)
SELECT
  i.slug,
  COALESCE(n.id, p.id) AS id
FROM input i
LEFT JOIN inserted n ON n.slug = i.slug
LEFT JOIN person p ON p.slug = i.slug
ORDER BY i.ord;

-- 9. article_stored_by_urls (in transaction)
SELECT
  a.id,
  a.url,
  a.source_id AS "sourceId",
  a.title AS "title",
  a.summary AS "summary",
  a.paragraphs AS "paragraphs",
  a.language AS "language",
  a.published_at AS "publishedAt",
  a.image_url AS "imageUrl",
  a.byline AS "byline",
  a.published_at_claimed AS "publishedAtClaimed",
  ARRAY(
    SELECT l.person_id::text
    FROM article_author l
    WHERE l.article_id = a.id
    ORDER BY l.position
  ) AS "authorIds",
  ARRAY(
    SELECT l.person_id::text || ':' || l.count
    FROM article_mention l
    WHERE l.article_id = a.id
    ORDER BY l.person_id
  ) AS mentions,
  ARRAY(
    SELECT l.source_id::text
    FROM article_cited_source l
    WHERE l.article_id = a.id
    ORDER BY l.source_id
  ) AS "citedSourceIds"
FROM article a
WHERE a.url = ANY($1::text[]);

-- 10. article_insert_many (in transaction)
WITH t AS (
  SELECT *
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[], $12::text[], $13::text[], $14::timestamptz[], $15::text[], $16::text[]) AS t(source_id, url, slug, title, summary, paragraphs, language, published_at, updated_at, image_url, byline, search_text, content_hash, published_at_claimed, other_slug, fetched_from)
), ins AS (INSERT INTO article (source_id, url, slug, title, summary, paragraphs, language, published_at, updated_at, image_url, byline, search_text, content_hash, published_at_claimed) SELECT t.source_id, t.url, CASE WHEN EXISTS (
  SELECT 1
  FROM article x
  WHERE x.slug = t.slug
    AND x.url <> t.url
) THEN t.other_slug ELSE t.slug END, t.title, t.summary, ARRAY(
  SELECT p.value
  FROM jsonb_array_elements_text(t.paragraphs::jsonb) WITH ORDINALITY AS p(value, ord)
  ORDER BY p.ord
), t.language, t.published_at, COALESCE(t.updated_at, t.published_at), t.image_url, t.byline, t.search_text, t.content_hash, t.published_at_claimed FROM t WHERE NOT EXISTS (
  SELECT 1
  FROM article h
  WHERE h.content_hash = t.content_hash
    AND h.source_id = t.source_id
) ON CONFLICT (url) DO NOTHING RETURNING id, url, content_hash, created_at), rev AS (INSERT INTO article_revision (article_id, at, content_hash, changed_fields) SELECT ins.id, ins.created_at, ins.content_hash, '{}' FROM ins), fetched AS (INSERT INTO article_fetch (article_id, last_fetched_at, fetched_from) SELECT ins.id, ins.created_at, t.fetched_from FROM ins JOIN t ON t.url = ins.url WHERE t.fetched_from IS NOT NULL)
SELECT
  id,
  url
FROM ins;

-- 11. article_author_insert_many (in transaction)
INSERT INTO article_author (article_id, person_id, position)
SELECT
  t.article_id,
  t.person_id,
  t.position
FROM unnest($1::uuid[], $2::uuid[], $3::smallint[]) AS t(article_id, person_id, position)
ON CONFLICT
DO NOTHING;

-- 12. article_mention_insert_many (in transaction)
INSERT INTO article_mention (article_id, person_id, count)
SELECT
  t.article_id,
  t.person_id,
  t.count
FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS t(article_id, person_id, count)
ON CONFLICT
DO NOTHING;

-- 13. article_cited_source_insert_many (in transaction)
INSERT INTO article_cited_source (article_id, source_id)
SELECT
  t.article_id,
  t.source_id
FROM unnest($1::uuid[], $2::uuid[]) AS t(article_id, source_id)
ON CONFLICT
DO NOTHING;

-- 14. story_candidates (in transaction)
WITH q AS (
  SELECT *
  FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS q(key, low, high)
), c AS (
  SELECT DISTINCT k.article_id
  FROM q
  CROSS JOIN LATERAL story_key_latest(q.key, q.high, 30) k
  WHERE k.published_at >= q.low
)
SELECT
  a.id,
  a.url,
  a.source_id AS "sourceId",
  a.title,
  a.summary,
  a.published_at AS "publishedAt",
  a.content_hash AS "contentHash",
  ARRAY(
    SELECT m.person_id::text
    FROM article_mention m
    WHERE m.article_id = a.id
    ORDER BY m.person_id
  ) AS "peopleIds",
  ARRAY(
    SELECT x.source_id::text
    FROM article_cited_source x
    WHERE x.article_id = a.id
    ORDER BY x.source_id
  ) AS "citedSourceIds",
  ac.shingles,
  ac.words,
  ac.script,
  ac.story_id AS "storyId",
  ac.canonical_id AS "canonicalId"
FROM c
JOIN article a ON a.id = c.article_id
LEFT JOIN article_cluster ac ON ac.article_id = a.id;

-- 15. story_write (in transaction)
WITH s AS (
  SELECT *
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::bool[]) AS s(id, title, summary, first_at, last_at, added, is_new)
), new_story AS (INSERT INTO story (id, title, summary, first_published_at, last_published_at, article_count) SELECT id, title, summary, first_at, last_at, added FROM s WHERE is_new), moved_story AS (UPDATE story st SET title = CASE WHEN s.first_at < st.first_published_at THEN s.title ELSE st.title END, summary = CASE WHEN s.first_at < st.first_published_at THEN s.summary ELSE st.summary END, first_published_at = LEAST(st.first_published_at, s.first_at), last_published_at = GREATEST(st.last_published_at, s.last_at), article_count = st.article_count + s.added FROM s WHERE st.id = s.id AND NOT s.is_new), r AS (
  SELECT *
  FROM unnest($8::uuid[], $9::uuid[], $10::timestamptz[], $11::uuid[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[]) AS r(article_id, story_id, published_at, canonical_id, shingles, words, script, why, keys)
), cluster AS (INSERT INTO article_cluster (article_id, story_id, published_at, canonical_id, shingles, words, script, why) SELECT article_id, story_id, published_at, canonical_id, shingles::int[], words::int[], script, why::jsonb FROM r ON CONFLICT (article_id) DO UPDATE SET story_id = EXCLUDED.story_id, canonical_id = EXCLUDED.canonical_id, why = EXCLUDED.why), moved AS (UPDATE article_cluster c SET canonical_id = NULLIF(m.to_id, c.article_id) FROM unnest($17::uuid[], $18::uuid[]) AS m(from_id, to_id) WHERE (c.canonical_id = m.from_id OR c.article_id = m.from_id) AND c.article_id <> ALL($8::uuid[])), keys AS (INSERT INTO story_key (key, published_at, article_id) SELECT k.key, r.published_at, r.article_id FROM r CROSS JOIN LATERAL unnest(r.keys::bigint[]) AS k(key) ON CONFLICT DO NOTHING)
SELECT 1;

-- 16. feed_item_upsert_many_announced (in transaction)
WITH fetched AS (UPDATE article_fetch af SET last_fetched_at = now() FROM feed_item l WHERE l.source_id = $1 AND l.item_key = ANY($2::text[]) AND af.article_id = l.article_id AND af.last_fetched_at < now()), written AS (INSERT INTO feed_item (source_id, item_key, headline, url, image_url, language, published_at, published_at_claimed, position, article_id, listed) SELECT $1, t.item_key, t.headline, t.url, t.image_url, t.language, t.published_at, t.published_at_claimed, t.position, t.article_id, t.article_id IS NULL OR (NOT EXISTS (
  SELECT 1
  FROM article_cluster cp
  WHERE cp.article_id = t.article_id
    AND cp.canonical_id IS NOT NULL
) AND NOT EXISTS (
  SELECT 1
  FROM feed_item fl
  WHERE fl.article_id = t.article_id
    AND fl.published_at < t.published_at
)) FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::int[], $10::uuid[]) AS t(item_key, headline, url, image_url, language, published_at, published_at_claimed, position, article_id) ON CONFLICT (source_id, item_key) DO UPDATE SET headline = EXCLUDED.headline, url = EXCLUDED.url, image_url = EXCLUDED.image_url, language = EXCLUDED.language, published_at = EXCLUDED.published_at, published_at_claimed = EXCLUDED.published_at_claimed, position = EXCLUDED.position, article_id = COALESCE(EXCLUDED.article_id, feed_item.article_id) WHERE (feed_item.headline, feed_item.url, feed_item.image_url, feed_item.language, feed_item.published_at, feed_item.published_at_claimed, feed_item.position, feed_item.article_id) IS DISTINCT FROM (EXCLUDED.headline, EXCLUDED.url, EXCLUDED.image_url, EXCLUDED.language, EXCLUDED.published_at, EXCLUDED.published_at_claimed, EXCLUDED.position, COALESCE(EXCLUDED.article_id, feed_item.article_id)) RETURNING id, position, xmax = 0 AS inserted)
SELECT
  count(*)::int AS written,
  news_event_announce($11::uuid[], array_agg(id ORDER BY position, id) FILTER (WHERE inserted)) AS announced
FROM written;

-- 17. unnamed (TypeORM)
COMMIT;

-- 18. source_feed_record
UPDATE source_feed
SET
  last_fetched_at = now(),
  last_status = $2,
  last_error = $3,
  etag = CASE WHEN $4 THEN $5 ELSE etag END,
  last_modified = CASE WHEN $4 THEN $6 ELSE last_modified END,
  items_seen = COALESCE($7, items_seen)
WHERE id = $1;

-- 19. source_fetch_state_extend
UPDATE source_fetch_state
SET lease_until = now() + make_interval(secs => $3)
WHERE source_id = $1
  AND lease_owner = $2
RETURNING source_id;

-- 20. source_fetch_state_finish
UPDATE source_fetch_state
SET
  lease_owner = NULL,
  lease_until = NULL,
  state = $3,
  next_run_at = $4,
  consecutive_failures = $5,
  last_error = $6,
  last_error_at = CASE WHEN $6::text IS NULL THEN last_error_at ELSE now() END,
  last_success_at = CASE WHEN $7 THEN now() ELSE last_success_at END,
  items_seen = CASE WHEN $7 THEN $8 ELSE items_seen END,
  items_seen_total = items_seen_total + $8,
  updated_at = now()
WHERE source_id = $1
  AND lease_owner = $2;
