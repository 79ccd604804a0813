-- Ingest: the same feed polled again, every item stored as it is
-- 10 statements in the order they are sent (reads sent together sorted by name), parameters left out.
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

-- 7. feed_item_upsert_many_announced
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

-- 8. source_feed_record
UPDATE source_feed
SET
  last_fetched_at = now(),
  last_status = $2,
  last_error = $3,
  etag = CASE WHEN $4 THEN $5 ELSE etag END,
  last_modified = CASE WHEN $4 THEN $6 ELSE last_modified END,
  items_seen = COALESCE($7, items_seen)
WHERE id = $1;

-- 9. source_fetch_state_extend
UPDATE source_fetch_state
SET lease_until = now() + make_interval(secs => $3)
WHERE source_id = $1
  AND lease_owner = $2
RETURNING source_id;

-- 10. source_fetch_state_finish
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
