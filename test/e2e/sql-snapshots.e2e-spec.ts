import path from 'node:path';
import { print } from 'graphql';
import {
  ArticlePageDocument,
  PersonPageDocument,
  SearchArticlesDocument,
  SidebarDocument,
  SourcePageDocument,
} from '../../src/client/generated/graphql';
import { dynamicSql } from '../../src/db/sql-executor';
import { fromGlobalId } from '../../src/graphql/relay/global-id';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { buildFixtures, type Fixtures } from '../support/fixtures';
import { addSource, ingestConfig } from '../support/ingest-app';
import { captureSql, deterministicOrder, expectSqlSnapshot, renderSqlSnapshot } from '../support/sql-snapshot';
import { startTestApp, type TestApp } from '../support/test-app';
import { ok } from './helpers';

/**
 * The SQL of each hot operation, committed as a snapshot beside this test (test/e2e/sql/*.sql) and
 * compared on every run: a change to generated SQL shows in review as a diff of those files.
 * UPDATE_SQL_SNAPSHOTS=1 rewrites them. Both databases must produce the same files.
 *
 * Statements are observed as they are sent (src/db/sql-executor.ts observeStatements): the
 * pooled reads, and what goes through TypeORM (the ingest transaction and its writes). Reads sent
 * together, before any of them was answered (DataLoader batches flushed at once), are sorted by
 * name: their order follows which earlier answer came back first, which a pooled server does not
 * fix (test/support/sql-snapshot.ts). The app is configured for ingestion (an admin token, the
 * fixture server allowed, no worker), with article pages fetched as by default.
 */
const SNAPSHOTS = path.join(__dirname, 'sql');

describe('SQL snapshots of the hot operations', () => {
  let app: TestApp;
  let fx: Fixtures;
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer();
    app = await startTestApp(ingestConfig());
    fx = await buildFixtures(app.db);
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  async function snapshot<T>(file: string, title: string, work: () => Promise<T>): Promise<T> {
    const { result, statements } = await captureSql(work);
    expectSqlSnapshot(path.join(SNAPSHOTS, file), renderSqlSnapshot(title, deterministicOrder(statements)));
    return result;
  }

  const operation = (file: string, title: string, query: string, variables: Record<string, unknown>) =>
    snapshot(file, title, async () => ok(await app.gql(query, variables)));

  it('Sidebar (sidebar.sql)', async () => {
    const data = await operation('sidebar.sql', 'Sidebar: the typed client’s latest feed, 20 headlines', print(SidebarDocument), { first: 20 });
    expect(data.latestFeed.edges).toHaveLength(20);
    expect(data.latestFeed.edges.some((edge: any) => edge.node.article?.authors.length > 0)).toBe(true);
  });

  it('ArticlePage (article-page.sql)', async () => {
    const article = fx.articles.find((a) => a.citedSourceIds.length > 0 && a.mentions.length > 0)!;
    const data = await operation('article-page.sql', 'ArticlePage: an article with authors, mentions and citations, and a 20-headline sidebar', print(ArticlePageDocument), {
      slug: article.slug,
    });
    expect(data.article.slug).toBe(article.slug);
    expect(data.article.mentions.length).toBeGreaterThan(0);
    expect(data.article.citedSources.length).toBeGreaterThan(0);
    expect(data.latestFeed.edges).toHaveLength(20);
  });

  it('SearchArticles (search.sql)', async () => {
    const data = await operation('search.sql', 'SearchArticles: one word, every language, first page of 20', print(SearchArticlesDocument), { query: 'flood' });
    expect(data.articles.totalCount).toBeGreaterThan(0);
  });

  it('PersonPage (person-page.sql)', async () => {
    const person = fx.authors[0]!;
    const data = await operation('person-page.sql', 'PersonPage: an author, articles in any role, first page of 20', print(PersonPageDocument), { slug: person.slug });
    expect(data.person.articles.edges.length).toBeGreaterThan(0);
  });

  it('SourcePage (source-page.sql)', async () => {
    const source = fx.sources[0]!;
    const data = await operation('source-page.sql', 'SourcePage: a publisher, 10 headlines and the first 20 articles', print(SourcePageDocument), { slug: source.slug });
    expect(data.source.latestFeed.edges).toHaveLength(10);
    expect(data.source.articles.edges).toHaveLength(20);
  });

  it('sees statements run inside a transaction (rowsIn), by name, between its START TRANSACTION and COMMIT', async () => {
    const statement = dynamicSql('snapshot_probe', 'SELECT count(*)::int AS n FROM source WHERE slug = ANY($1::text[])');
    const { result, statements } = await captureSql(() => app.db.transaction((manager) => app.db.rowsIn<{ n: number }>(manager, statement, [[fx.sources[0]!.slug]])));
    expect(result).toEqual([{ n: 1 }]);
    expect(statements.map(({ name, text, via }) => ({ name, text, via }))).toEqual([
      { name: null, text: 'START TRANSACTION', via: 'typeorm' },
      { name: statement.name, text: statement.text, via: 'typeorm' },
      { name: null, text: 'COMMIT', via: 'typeorm' },
    ]);
  });

  describe('ingest', () => {
    let sourceId: string;

    beforeAll(async () => {
      const origin = server.origin;
      server.setDynamic('snapshot.rss', snapshotFeed(origin));
      for (const story of STORIES) {
        if (story.link) server.setDynamic(story.link, storyPage(story), 'text/html; charset=utf-8');
      }
      const source = await addSource(app, { name: 'Snapshot Wire', feedUrls: [server.url('/dynamic/snapshot.rss')], fetchIntervalMinutes: 60 });
      sourceId = fromGlobalId(source.id).id;
    });

    it('a feed’s new items: stored with their articles, authors, mentions and citations (ingest-new.sql)', async () => {
      const report = await snapshot('ingest-new.sql', 'Ingest: one run of a source whose one feed has 3 new items (2 with article pages, one author new)', () =>
        app.gateway.services.ingest.runSource(sourceId),
      );
      expect(report).toMatchObject({ outcome: 'succeeded', itemsSeen: 3, articlesCreated: 2, feedItemsWritten: 3, peopleCreated: 1, pagesFetched: 2 });
    });

    it('the same feed polled again: nothing changed, nothing rewritten (ingest-unchanged.sql)', async () => {
      const report = await snapshot('ingest-unchanged.sql', 'Ingest: the same feed polled again, every item stored as it is', () => app.gateway.services.ingest.runSource(sourceId));
      expect(report).toMatchObject({ outcome: 'succeeded', itemsSeen: 3, articlesCreated: 0, articlesUpdated: 0, articlesUnchanged: 0, feedItemsWritten: 0, pagesFetched: 0 });
    });
  });
});

interface Story {
  guid: string;
  title: string;
  text: string;
  creator: string | null;
  link: string | null;
  hoursAgo: number;
}

/**
 * Stories naming the fixtures' people and sources (mentions and citations to write), one by a
 * known author and one by a new one (a Person created), and a headline without a link.
 */
const STORIES: Story[] = [
  {
    guid: 'snapshot-1',
    title: 'Guterres calls for talks',
    text: 'Antonio Guterres called for talks on Tuesday, Global Wire reported, and repeated the call in the evening.',
    creator: 'Anika Rahman',
    link: 'story-1',
    hoursAgo: 1,
  },
  {
    guid: 'snapshot-2',
    title: 'Von der Leyen visits the delta',
    text: 'Ursula von der Leyen visited the delta, Orient Daily reported, and met the flood relief teams there.',
    creator: 'Jane Doe',
    link: 'story-2',
    hoursAgo: 2,
  },
  { guid: 'snapshot-3', title: 'Markets closed for the holiday', text: 'Markets are closed today.', creator: null, link: null, hoursAgo: 3 },
];

const PUBLISHED = Date.UTC(2025, 8, 3, 12, 0, 0);

function snapshotFeed(origin: string): string {
  const items = STORIES.map(
    (story) =>
      `<item><title>${story.title}</title>${story.link ? `<link>${origin}/dynamic/${story.link}</link>` : ''}` +
      `<guid isPermaLink="false">${story.guid}</guid><pubDate>${new Date(PUBLISHED - story.hoursAgo * 3_600_000).toUTCString()}</pubDate>` +
      `${story.creator ? `<dc:creator>${story.creator}</dc:creator>` : ''}<description><![CDATA[<p>${story.text}</p>]]></description></item>`,
  );
  return (
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>` +
    `<title>Snapshot Wire</title><link>${origin}/</link><language>en</language>${items.join('')}</channel></rss>`
  );
}

function storyPage(story: Story): string {
  return (
    `<!DOCTYPE html><html lang="en"><head><title>${story.title}</title>${story.creator ? `<meta name="author" content="${story.creator}">` : ''}</head>` +
    `<body><article><h1>${story.title}</h1><p>${story.text}</p><p>${story.text}</p></article></body></html>`
  );
}
