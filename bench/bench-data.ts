import { Client } from 'pg';
import { loadConfig } from '../src/config/config';
import { openDatabase } from '../src/db/data-source';
import { SqlExecutor } from '../src/db/sql-executor';
import { generateDemoData } from '../src/seed/demo-data';

/**
 * A realistic volume for the read benchmarks: 50 sources in six languages and scripts, 2,000
 * people, 200,000 articles with 1-3 authors, mentions and citations, and 200,000 feed items pointing
 * at them, built by the generator of `newsgate seed --demo` (src/seed/demo-data.ts) without its
 * slug prefix (`article-17`). Reused when the database already holds it.
 */
export const VOLUME = { sources: 50, people: 2000, articles: 200_000, feedItems: 200_000 };

export async function ensureBenchData(databaseUrl: string, log: (line: string) => void): Promise<void> {
  await ensureDatabase(databaseUrl);
  // Bulk generation runs statements far longer than the API's per-statement deadline.
  const database = await openDatabase({ ...loadConfig({ LOG_LEVEL: 'silent' }), databaseUrl, statementTimeoutMs: 0 });
  try {
    const [row] = await database.dataSource.query<Array<{ articles: number; items: number }>>('SELECT (SELECT count(*) FROM article)::int AS articles, (SELECT count(*) FROM feed_item)::int AS items');
    if (row.articles === VOLUME.articles && row.items === VOLUME.feedItems) {
      log(`bench data present: ${row.articles} articles, ${row.items} feed items`);
      return;
    }
    const started = Date.now();
    log('generating bench data (one-off, about a minute)…');
    await database.dataSource.query('TRUNCATE article_author, article_mention, article_cited_source, feed_item, article, person, source CASCADE');
    let lastLog = Date.now();
    await generateDemoData(
      new SqlExecutor(database.dataSource),
      { sources: VOLUME.sources, people: VOLUME.people, articles: VOLUME.articles },
      {
        prefix: '',
        batchSize: 5000,
        onBatch: (done, total) => {
          if (Date.now() - lastLog < 5000) return;
          lastLog = Date.now();
          log(`  ${done}/${total} articles`);
        },
      },
    );
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
