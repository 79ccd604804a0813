import { Client } from 'pg';
import { loadConfig } from '../src/config/config';
import { openDatabase } from '../src/db/data-source';

/**
 * A realistic volume for the read benchmarks, built in Postgres with set-based SQL (seconds, not
 * minutes of row-by-row inserts): 50 sources in four languages and scripts, 2,000 people,
 * 200,000 articles with 1-3 authors, mentions and citations, and 200,000 feed items pointing at
 * them. Reused when the database already holds it.
 */
export const VOLUME = { sources: 50, people: 2000, articles: 200_000, feedItems: 200_000 };

export async function ensureBenchData(databaseUrl: string, log: (line: string) => void): Promise<void> {
  await ensureDatabase(databaseUrl);
  // Bulk generation runs statements far longer than the API's per-statement deadline.
  const database = await openDatabase({ ...loadConfig({ LOG_LEVEL: 'silent' }), databaseUrl, statementTimeoutMs: 0 });
  try {
    const [row] = await database.dataSource.query('SELECT (SELECT count(*) FROM article)::int AS articles, (SELECT count(*) FROM feed_item)::int AS items');
    if (row.articles === VOLUME.articles && row.items === VOLUME.feedItems) {
      log(`bench data present: ${row.articles} articles, ${row.items} feed items`);
      return;
    }
    const started = Date.now();
    log('generating bench data (one-off, about a minute)…');
    await database.dataSource.transaction(async (manager) => {
      await manager.query('TRUNCATE article_author, article_mention, article_cited_source, feed_item, article, person, source CASCADE');
      await manager.query(`
        INSERT INTO source (slug, name, aliases, homepage_url, language, country, kind)
        SELECT 'source-' || i,
               (ARRAY['দৈনিক সংবাদ ', 'Daily News ', 'الأخبار اليومية ', '每日新闻 '])[1 + i % 4] || i,
               ARRAY['Source ' || i], 'https://source' || i || '.example/',
               (ARRAY['bn', 'en', 'ar', 'zh'])[1 + i % 4], (ARRAY['BD', 'GB', 'EG', 'CN'])[1 + i % 4], 'publisher'
        FROM generate_series(1, ${VOLUME.sources}) AS i`);
      await manager.query(`
        INSERT INTO person (slug, name, aliases, description, search_text)
        SELECT 'person-' || i, 'Person ' || i, ARRAY['Person ' || i, 'ব্যক্তি ' || i], 'Bench person ' || i, 'person ' || i || ' ব্যক্তি ' || i
        FROM generate_series(1, ${VOLUME.people}) AS i`);
      await manager.query(`
        WITH s AS (SELECT id, language, row_number() OVER (ORDER BY slug) - 1 AS n FROM source)
        INSERT INTO article (source_id, url, slug, title, summary, paragraphs, language, published_at, updated_at,
                             image_url, byline, search_text, content_hash)
        SELECT s.id, 'https://news.example/a/' || i, 'article-' || i,
               t.title, 'Summary of story ' || i,
               ARRAY[t.title || ' — first paragraph of story ' || i || ', long enough to look like news text.',
                     'Second paragraph ' || i || ' with quotes, figures (' || (i % 997) || ') and names.',
                     'Third paragraph closing story ' || i || '.'],
               s.language, timestamptz '2025-01-01' + i * interval '2 minutes',
               timestamptz '2025-01-01' + i * interval '2 minutes',
               'https://img.example/' || i || '.jpg', 'Staff ' || (i % 50),
               lower(t.title) || ' story ' || i, md5(i::text) || md5((i * 7)::text)
        FROM generate_series(1, ${VOLUME.articles}) AS i
        JOIN s ON s.n = i % ${VOLUME.sources}
        CROSS JOIN LATERAL (SELECT (ARRAY['কৌশলগত সম্পর্ক নিয়ে বৈঠক ', 'Leaders meet over trade ', 'اجتماع القادة حول التجارة ', '领导人就贸易会面 '])[1 + i % 4] || i AS title) t`);
      // Person ids by number, so articles can pick deterministic authors.
      await manager.query(`CREATE TEMP TABLE bench_people ON COMMIT DROP AS SELECT id, row_number() OVER (ORDER BY slug) - 1 AS n FROM person`);
      await manager.query(`CREATE TEMP TABLE bench_articles ON COMMIT DROP AS SELECT id, source_id, published_at, title, language, substring(url from 24)::int AS n FROM article`);
      await manager.query(`
        INSERT INTO article_author (article_id, person_id, position)
        SELECT a.id, p.id, k FROM bench_articles a
        CROSS JOIN LATERAL generate_series(1, 1 + a.n % 3) AS k
        JOIN bench_people p ON p.n = (a.n * 7 + k * 131) % ${VOLUME.people}`);
      await manager.query(`
        INSERT INTO article_mention (article_id, person_id, count)
        SELECT a.id, p.id, 1 + (a.n + k) % 4 FROM bench_articles a
        CROSS JOIN LATERAL generate_series(1, a.n % 3) AS k
        JOIN bench_people p ON p.n = (a.n * 13 + k * 17 + 1000) % ${VOLUME.people}`);
      await manager.query(`
        INSERT INTO article_cited_source (article_id, source_id)
        SELECT a.id, s.id FROM bench_articles a
        JOIN (SELECT id, row_number() OVER (ORDER BY slug) - 1 AS n FROM source) s ON s.n = (a.n + 1) % ${VOLUME.sources}
        WHERE a.n % 2 = 0`);
      await manager.query(`
        INSERT INTO feed_item (source_id, item_key, headline, url, image_url, language, published_at, position, article_id)
        SELECT a.source_id, 'https://news.example/a/' || a.n, a.title, 'https://news.example/a/' || a.n,
               'https://img.example/' || a.n || '.jpg', a.language, a.published_at, 1 + a.n % 20, a.id
        FROM bench_articles a`);
    });
    await database.dataSource.query('ANALYZE');
    log(`bench data generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await database.close();
  }
}

async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
