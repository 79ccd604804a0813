import { spawn } from 'node:child_process';
import path from 'node:path';
import type { EntityManager } from 'typeorm';
import { ArticleWriteRepository, type ArticleWrite } from '../../src/article/article-write.repository';
import { createLogger } from '../../src/common/logger';
import { openDatabase } from '../../src/db/data-source';
import { SqlExecutor } from '../../src/db/sql-executor';
import { fromGlobalId } from '../../src/graphql/relay/global-id';
import { IngestService } from '../../src/ingest/ingest.service';
import { ingestRepositories } from '../support/ingest-repositories';
import { parseFeed } from '../../src/ingest/parser';
import { processFeed } from '../../src/ingest/processor/feed.processor';
import { createIngestWorker } from '../../src/ingest/scheduler/ingest-worker';
import { EntityDirectory } from '../../src/ingest/store/entity-directory';
import { IngestStore } from '../../src/ingest/store/ingest.store';
import { PersonRepository } from '../../src/person/person.repository';
import { SourceRepository } from '../../src/source/source.repository';
import { seed } from '../../src/seed/seed';
import { usingPostgresServer } from '../support/database';
import { generatedFeed, startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { addSource, ingestConfig, refresh } from '../support/ingest-app';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Ingestion stores each story once however it arrives (twice in one feed, under tracking-decorated
 * links, from two workers at once), a changed story updates its article, and a run that dies in
 * the middle leaves whole batches only, which the next run completes.
 *
 * What each database supports: on Postgres, workers are separate processes sharing a pg-boss
 * queue, so the races below run on separate connections and a worker is killed with SIGKILL. The
 * embedded PGlite is one process with one connection: its "two workers" are two runs in one
 * process (the lease still decides which one fetches), and a crash is an error thrown mid-batch.
 */
const BATCH = 25;
const logger = createLogger('silent');
const postgresOnly = usingPostgresServer() ? it : it.skip;

describe('no duplicates, nothing half-written', () => {
  let app: TestApp;
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer();
    app = await startTestApp(ingestConfig({ INGEST_ARTICLE_PAGES: 'false', INGEST_BATCH_SIZE: String(BATCH) }));
    // The catalog's people and outlets: the generated stories mention Putin and cite Reuters.
    await seed(app.db);
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  const count = async (sql: string, values: unknown[] = []): Promise<number> => (await app.db.manager.query(sql, values))[0].n;
  const dbId = (id: string) => fromGlobalId(id).id;
  const newIngest = (overrides: { writer?: ArticleWriteRepository } = {}) =>
    new IngestService({ config: app.database.config, db: app.db, logger, repositories: ingestRepositories(app.db, overrides.writer) });

  /** Every article of the source has its headline, its author, its mention and its citation. */
  async function expectWhole(sourceId: string): Promise<number> {
    const articles = await count('SELECT count(*)::int AS n FROM article WHERE source_id = $1', [sourceId]);
    for (const [table, column] of [
      ['feed_item', 'article_id'],
      ['article_author', 'article_id'],
      ['article_mention', 'article_id'],
      ['article_cited_source', 'article_id'],
    ]) {
      const orphans = await count(
        `SELECT count(*)::int AS n FROM article a WHERE a.source_id = $1 AND NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.${column} = a.id)`,
        [sourceId],
      );
      expect({ table, orphans }).toEqual({ table, orphans: 0 });
    }
    expect(await count('SELECT count(*)::int AS n FROM feed_item WHERE source_id = $1', [sourceId])).toBe(articles);
    expect(await count('SELECT count(DISTINCT url)::int AS n FROM article WHERE source_id = $1', [sourceId])).toBe(articles);
    return articles;
  }

  it('stores a story listed twice, or under two tracking links, once; updates it when it changes; keeps it when it leaves the feed', async () => {
    const item = (guid: string, link: string, body: string) =>
      `<item><title>Putin meets Sharif</title><link>${server.url(link)}</link><guid isPermaLink="false">${guid}</guid><pubDate>Wed, 03 Sep 2025 10:00:00 GMT</pubDate><description><![CDATA[<p>${body}</p>]]></description></item>`;
    const feed = (...items: string[]) => `<?xml version="1.0"?><rss version="2.0"><channel><title>Dups</title>${items.join('')}</channel></rss>`;
    const a = item('a', '/articles/x?utm_source=rss', 'Vladimir Putin met Shehbaz Sharif.');
    const c = item('c', '/articles/c', 'Another story entirely.');
    server.setDynamic('dups.xml', feed(a, a, item('b', '/articles/x?utm_medium=email#top', 'Vladimir Putin met Shehbaz Sharif.'), c));
    const source = await addSource(app, { name: 'Dups', feedUrls: [server.url('/dynamic/dups.xml')] });

    const first = await refresh(app, source.id);
    expect(first.run).toMatchObject({ outcome: 'succeeded', itemsSeen: 3, articlesCreated: 2, articlesUnchanged: 1, feedItemsWritten: 3 });
    const [before] = await app.db.manager.query(`SELECT id, updated_at AS "updatedAt", published_at AS "publishedAt" FROM article WHERE url = $1`, [server.url('/articles/x')]);

    server.setDynamic('dups.xml', feed(item('a', '/articles/x?utm_source=rss', 'Vladimir Putin met Shehbaz Sharif in Beijing.')));
    const second = await refresh(app, source.id);
    expect(second.run).toMatchObject({ outcome: 'succeeded', articlesCreated: 0, articlesUpdated: 1 });
    const [after] = await app.db.manager.query(`SELECT id, updated_at AS "updatedAt", published_at AS "publishedAt", paragraphs FROM article WHERE url = $1`, [server.url('/articles/x')]);
    expect(after.id).toBe(before.id);
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    expect(after.publishedAt).toEqual(before.publishedAt);
    expect(after.paragraphs).toEqual(['Vladimir Putin met Shehbaz Sharif in Beijing.']);
    // c left the feed: its article and headline stay.
    expect(await count('SELECT count(*)::int AS n FROM article WHERE source_id = $1', [dbId(source.id)])).toBe(2);

    const third = await refresh(app, source.id);
    expect(third.run).toMatchObject({ articlesCreated: 0, articlesUpdated: 0, articlesUnchanged: 1, feedItemsWritten: 0 });
  });

  it('fetches a source once when two workers take it at the same moment', async () => {
    const source = await addSource(app, { name: 'Lease race', feedUrls: [server.url('/generated/120-lease')] });
    const [one, two] = [newIngest(), newIngest()];
    try {
      const runs = await Promise.all([one.runSource(dbId(source.id)), two.runSource(dbId(source.id))]);
      expect(runs.map((run) => run.outcome).sort()).toEqual(['busy', 'succeeded']);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
    expect(server.hits('/generated/120-lease')).toBe(1);
    expect(await expectWhole(dbId(source.id))).toBe(120);
  });

  it('stores a feed once when two writers race past the lease on separate connections', async () => {
    const source = await addSource(app, { name: 'Store race', feedUrls: [server.url('/generated/150-race')] });
    const sourceId = dbId(source.id);
    const items = processFeed(parseFeed(Buffer.from(generatedFeed(server.origin, 150, { prefix: 'race' }))), { id: sourceId, language: 'en', timeZone: null }, { now: new Date() });
    const stories = items.map((item) => ({ ...item, article: { title: item.headline, summary: null, paragraphs: item.paragraphs, byline: item.byline, authorNames: item.authorNames, fetchedFrom: null } }));
    // On Postgres a second pool to the same database: two writers on two connections at once.
    const second = usingPostgresServer() ? await openDatabase(app.database.config) : null;
    const secondDb = second ? new SqlExecutor(second.dataSource) : app.db;
    try {
      const writers = await Promise.all(
        [app.db, secondDb].map(async (db) => new IngestStore(db, await EntityDirectory.load(new PersonRepository(db), new SourceRepository(db)))),
      );
      const reports = await Promise.all(writers.map((store) => store.store(sourceId, stories, { batchSize: BATCH })));
      expect(reports[0]!.articlesCreated + reports[1]!.articlesCreated).toBe(150);
    } finally {
      await second?.close();
    }
    expect(await expectWhole(sourceId)).toBe(150);
    expect(await count(`SELECT count(*)::int AS n FROM person WHERE slug = 'jane-doe'`)).toBe(1);
  });

  it('leaves whole batches only when a run dies mid-feed, and the next run completes it', async () => {
    // The third batch's articles are inserted, then the worker dies before the batch commits.
    class FailingWriter extends ArticleWriteRepository {
      calls = 0;
      override async insertNew(manager: EntityManager, articles: readonly ArticleWrite[]) {
        const ids = await super.insertNew(manager, articles);
        if (++this.calls === 3) throw new Error('worker crashed');
        return ids;
      }
    }
    const source = await addSource(app, { name: 'Crash', feedUrls: [server.url('/generated/100-crash')] });
    const sourceId = dbId(source.id);
    const crashing = newIngest({ writer: new FailingWriter() });
    const crashed = await crashing.runSource(sourceId).finally(() => crashing.close());
    expect(crashed.outcome).toBe('failed');
    expect(crashed.error).toMatch(/worker crashed/);
    // Two whole batches; the third was rolled back entirely.
    expect(await expectWhole(sourceId)).toBe(BATCH * 2);
    const [feed] = await app.db.manager.query('SELECT etag, last_modified FROM source_feed WHERE source_id = $1', [sourceId]);
    expect(feed).toEqual({ etag: null, last_modified: null });

    const { run } = await refresh(app, source.id);
    expect(run).toMatchObject({ outcome: 'succeeded', articlesCreated: 100 - BATCH * 2, articlesUnchanged: BATCH * 2 });
    expect(await expectWhole(sourceId)).toBe(100);
  });

  it('runs due sources on schedule with the worker of this database', async () => {
    const source = await addSource(app, { name: 'Scheduled', feedUrls: [server.url('/generated/30-sched')] });
    const ingest = newIngest();
    const worker = createIngestWorker({ config: { ...app.database.config, worker: { ...app.database.config.worker, enabled: true, concurrency: 2, pollIntervalSeconds: 1 } }, database: app.database.handle, db: app.db, ingest, logger });
    try {
      await worker.start();
      await waitFor(async () => (await count('SELECT count(*)::int AS n FROM source_fetch_state WHERE source_id = $1 AND last_success_at IS NOT NULL', [dbId(source.id)])) === 1, 20_000);
    } finally {
      await worker.stop();
      await ingest.close();
    }
    expect(server.hits('/generated/30-sched')).toBe(1);
    expect(await expectWhole(dbId(source.id))).toBe(30);
  });

  postgresOnly('shares the queue between two pg-boss workers: a due source is fetched once', async () => {
    const source = await addSource(app, { name: 'Two workers', feedUrls: [server.url('/generated/80-boss')] });
    const config = { ...app.database.config, worker: { ...app.database.config.worker, enabled: true, concurrency: 2, pollIntervalSeconds: 1 } };
    const ingests = [newIngest(), newIngest()];
    const workers = ingests.map((ingest) => createIngestWorker({ config, database: app.database.handle, db: app.db, ingest, logger }));
    expect(workers.map((worker) => worker.kind)).toEqual(['pg-boss', 'pg-boss']);
    try {
      await Promise.all(workers.map((worker) => worker.start()));
      await waitFor(async () => (await count('SELECT count(*)::int AS n FROM source_fetch_state WHERE source_id = $1 AND last_success_at IS NOT NULL', [dbId(source.id)])) === 1, 30_000);
      // Both workers keep polling for a while: the source is not due again, so nobody fetches it.
      await new Promise((resolve) => setTimeout(resolve, 2500));
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
      await Promise.all(ingests.map((ingest) => ingest.close()));
    }
    expect(server.hits('/generated/80-boss')).toBe(1);
    expect(await expectWhole(dbId(source.id))).toBe(80);
  });

  postgresOnly('leaves nothing half-written when a worker process is killed mid-feed', async () => {
    const total = 600;
    const source = await addSource(app, { name: 'Killed', feedUrls: [server.url(`/generated/${total}-killed`)] });
    const sourceId = dbId(source.id);
    const child = spawn(process.execPath, ['-r', path.resolve(__dirname, '../support/swc-register.js'), path.resolve(__dirname, '../support/ingest-child.ts')], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        DATABASE_URL: app.database.config.databaseUrl!,
        LOG_LEVEL: 'silent',
        FETCH_ALLOWLIST: '127.0.0.1',
        INGEST_ARTICLE_PAGES: 'false',
        INGEST_BATCH_SIZE: String(BATCH),
        INGEST_CHILD_SOURCE_ID: sourceId,
        INGEST_CHILD_DELAY_MS: '3',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    // Kill it once some batches are committed and before the last one is.
    await waitFor(async () => (await count('SELECT count(*)::int AS n FROM article WHERE source_id = $1', [sourceId])) >= BATCH * 2, 30_000, () => stderr);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const stored = await expectWhole(sourceId);
    expect(stored).toBeGreaterThanOrEqual(BATCH * 2);
    expect(stored).toBeLessThan(total);
    expect(stored % BATCH).toBe(0);
    // The dead worker's claim lapses after its lease; here time is moved on instead of waited for.
    await app.db.manager.query(`UPDATE source_fetch_state SET lease_until = now() - interval '1 second' WHERE source_id = $1`, [sourceId]);
    const { run } = await refresh(app, source.id);
    expect(run).toMatchObject({ outcome: 'succeeded', articlesCreated: total - stored, articlesUnchanged: stored });
    expect(await expectWhole(sourceId)).toBe(total);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, context: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms ${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
