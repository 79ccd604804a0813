import { observeStatements, sqlStatementCount } from '../../src/db/sql-executor';
import { fromGlobalId } from '../../src/graphql/relay/global-id';
import type { IngestRunReport } from '../../src/ingest/ingest.service';
import { seed } from '../../src/seed/seed';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { addSource, ingestConfig } from '../support/ingest-app';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * What a run of a source costs in statements does not grow with the number of items in a batch:
 * new articles, their authors (new people among them), mentions, citations and feed items are
 * written in one statement per table per batch, on the real database (PGlite, or Postgres with
 * DATABASE_URL). A run that finds everything stored as it is opens no transaction.
 */
const N = 12;

describe('statements per ingest run', () => {
  let app: TestApp;
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer();
    // One batch holds the larger feed whole.
    app = await startTestApp(ingestConfig({ INGEST_ARTICLE_PAGES: 'false', INGEST_BATCH_SIZE: String(10 * N) }));
    // The catalog's people and outlets: the stories mention Putin and cite Reuters.
    await seed(app.db);
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  /** A feed of `count` stories, each by an author nobody knows yet (a new person each). */
  function feed(prefix: string, count: number): string {
    const items: string[] = [];
    for (let i = 1; i <= count; i++) {
      items.push(
        `<item><title>Story ${prefix} ${i}: Putin's remarks</title><link>${server.url(`/articles/${prefix}-${i}`)}</link><guid isPermaLink="false">${prefix}-${i}</guid>` +
          `<pubDate>${new Date(Date.UTC(2025, 8, 3, 12) - i * 60_000).toUTCString()}</pubDate><dc:creator>Anna ${prefix}${letters(i)}</dc:creator>` +
          `<description><![CDATA[<p>Story ${i} about Vladimir Putin.</p><p>Citing Reuters.</p>]]></description></item>`,
      );
    }
    return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${prefix}</title><language>en</language>${items.join('')}</channel></rss>`;
  }

  /** Runs the source, counting its statements (sqlStatementCount) and the transactions it opens. */
  async function run(sourceId: string): Promise<{ report: IngestRunReport; statements: number; transactions: number }> {
    let transactions = 0;
    const stop = observeStatements((statement) => {
      if (statement.text === 'START TRANSACTION') transactions++;
    });
    const before = sqlStatementCount();
    try {
      const report = await app.gateway.services.ingest.runSource(sourceId);
      return { report, statements: sqlStatementCount() - before, transactions };
    } finally {
      stop();
    }
  }

  async function source(prefix: string, count: number): Promise<string> {
    server.setDynamic(`${prefix}.xml`, feed(prefix, count));
    const added = await addSource(app, { name: `Count ${prefix}`, feedUrls: [server.url(`/dynamic/${prefix}.xml`)] });
    return fromGlobalId(added.id).id;
  }

  it(`stores ${N} and ${10 * N} new items, each with a new author, in the same number of statements and one transaction`, async () => {
    const small = await run(await source('small', N));
    const large = await run(await source('large', 10 * N));
    expect(small.report).toMatchObject({ outcome: 'succeeded', articlesCreated: N, peopleCreated: N, feedItemsWritten: N });
    expect(large.report).toMatchObject({ outcome: 'succeeded', articlesCreated: 10 * N, peopleCreated: 10 * N, feedItemsWritten: 10 * N });
    expect(large.statements).toBe(small.statements);
    expect(small.transactions).toBe(1);
    expect(large.transactions).toBe(1);
  });

  it('polls both again in the same number of statements, without a transaction, changing nothing', async () => {
    const sources = await app.db.manager.query<Array<{ id: string; name: string }>>(`SELECT id, name FROM source WHERE name LIKE 'Count %' ORDER BY name`);
    const [large, small] = sources.map((row) => row.id);
    const again = [await run(small!), await run(large!)];
    expect(again.map(({ report }) => report)).toMatchObject([
      { outcome: 'succeeded', articlesCreated: 0, articlesUpdated: 0, articlesUnchanged: N, feedItemsWritten: 0, peopleCreated: 0 },
      { outcome: 'succeeded', articlesCreated: 0, articlesUpdated: 0, articlesUnchanged: 10 * N, feedItemsWritten: 0, peopleCreated: 0 },
    ]);
    expect(again[1]!.statements).toBe(again[0]!.statements);
    expect(again.map(({ transactions }) => transactions)).toEqual([0, 0]);
  });
});

/** 1 → `a`, 26 → `z`, 27 → `aa`: names without digits (a name with digits makes nobody). */
function letters(n: number): string {
  let text = '';
  for (let rest = n; rest > 0; rest = Math.floor((rest - 1) / 26)) text = String.fromCharCode(97 + ((rest - 1) % 26)) + text;
  return text;
}
