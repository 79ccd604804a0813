import { sql } from '../../src/db/sql-executor';
import { StoryBackfillRepository } from '../../src/story/story-backfill.repository';
import { StoryBackfillService, type BackfillReport } from '../../src/story/story-backfill.service';
import { StoryWriteRepository } from '../../src/story/story-write.repository';
import { e2eConfig } from '../support/e2e-config';
import { fixture, pairwise, storeFixture } from '../support/story-fixture';
import { startTestApp, type TestApp } from '../support/test-app';
import { ok } from './helpers';

/**
 * `newsgate stories backfill` (StoryBackfillService) on the labelled set stored as before stories
 * existed: no cluster row, and the people's lookup keys the Stories migration gave such articles.
 * The backfill, in small batches and interrupted once, must cluster every article once, as
 * ingestion does (pairwise precision and recall of stories and duplicates at the same bar), and a
 * run with nothing left must change nothing.
 */

// What the Stories migration did for the articles stored before it.
const MIGRATION_KEYS = sql(
  'test_migration_keys',
  `INSERT INTO story_key (key, published_at, article_id) SELECT ('x' || left(md5('p:' || m.person_id::text), 16))::bit(64)::bigint, a.published_at, a.id
   FROM article_mention m JOIN article a ON a.id = m.article_id ON CONFLICT DO NOTHING`,
);
const STATE = sql(
  'test_backfill_state',
  `SELECT (SELECT count(*)::int FROM article a WHERE NOT EXISTS (SELECT 1 FROM article_cluster c WHERE c.article_id = a.id)) AS unclustered,
     (SELECT count(*)::int FROM article_cluster WHERE shingles IS NULL AND words IS NULL) AS "withoutFingerprints",
     (SELECT coalesce(sum(article_count), 0)::int FROM story) AS "storyArticles",
     (SELECT count(*)::int FROM story) AS stories`,
);

class Interrupted extends Error {}

describe('stories backfill of articles stored before stories existed', () => {
  let app: TestApp;
  let service: StoryBackfillService;
  const reports: BackfillReport[] = [];

  beforeAll(async () => {
    app = await startTestApp(e2eConfig());
    await storeFixture(app, undefined, { clustering: false });
    await app.db.rows(MIGRATION_KEYS);
    service = new StoryBackfillService(app.db, new StoryBackfillRepository(app.db), new StoryWriteRepository());
  }, 240_000);
  afterAll(async () => {
    await app?.close();
  });

  it('starts with every article unclustered: no story, each text listed as often as it was carried', async () => {
    expect(await app.db.rows(STATE)).toEqual([{ unclustered: fixture.articles.length, withoutFingerprints: 0, storyArticles: 0, stories: 0 }]);
    const data = ok<any>(await app.gql(`{ articles(first: 1) { totalCount edges { node { story { id } } } } }`));
    expect(data.articles.totalCount).toBe(fixture.articles.length);
    expect(data.articles.edges[0].node.story).toBeNull();
  });

  it('clusters in batches, an interrupted run finished by running it again, each article once', async () => {
    // Stopped after its second batch of 7 (the batch committed), as a killed process would stop.
    await expect(
      service.run({
        batchSize: 7,
        onBatch: (clustered) => {
          if (clustered >= 14) throw new Interrupted();
        },
      }),
    ).rejects.toBeInstanceOf(Interrupted);
    expect((await app.db.rows<{ unclustered: number }>(STATE))[0]!.unclustered).toBe(fixture.articles.length - 14);

    reports.push(await service.run({ batchSize: 7 }));
    expect(reports[0]).toMatchObject({ unclustered: fixture.articles.length - 14, clustered: fixture.articles.length - 14 });
    // Every article has its row with its fingerprints, and is counted in one story once.
    expect(await app.db.rows(STATE)).toEqual([
      { unclustered: 0, withoutFingerprints: 0, storyArticles: fixture.articles.length, stories: expect.any(Number) },
    ]);
  });

  it('gives the stories and the duplicate groups ingestion would (pairwise precision >= 0.95, recall >= 0.85)', async () => {
    // Every outlet's articles, copies included (a list of chosen outlets shows them all).
    const sourceIds = ok<any>(await app.gql(`{ sources(first: 100) { edges { node { id } } } }`)).sources.edges.map((e: any) => e.node.id);
    const data = ok<any>(
      await app.gql(`query($ids: [ID!]) { articles(first: 100, filter: { sourceIds: $ids }) { edges { node { url story { id } canonical { url } } } } }`, { ids: sourceIds }),
    );
    expect(data.articles.edges).toHaveLength(fixture.articles.length);
    const byUrl = new Map<string, { story: { id: string }; canonical: { url: string } }>(data.articles.edges.map((e: any) => [e.node.url, e.node]));
    const byKey = new Map(fixture.articles.map((a) => [a.key, a]));
    const keys = fixture.articles.map((a) => a.key);
    const view = (key: string) => byUrl.get(byKey.get(key)!.url)!;
    const stories = pairwise(keys, (key) => view(key).story.id, (key) => byKey.get(key)!.story);
    const copies = pairwise(keys, (key) => view(key).canonical.url, (key) => byKey.get(byKey.get(key)!.duplicateOf ?? key)!.url);
    console.log(
      `backfill: stories precision ${stories.precision.toFixed(3)}, recall ${stories.recall.toFixed(3)}; ` +
        `duplicates precision ${copies.precision.toFixed(3)}, recall ${copies.recall.toFixed(3)}` +
        ([...stories.falsePairs, ...copies.falsePairs].length > 0 ? `\n  ${[...stories.falsePairs, ...copies.falsePairs].slice(0, 20).join('\n  ')}` : ''),
    );
    expect(stories.precision).toBeGreaterThanOrEqual(0.95);
    expect(stories.recall).toBeGreaterThanOrEqual(0.85);
    expect(copies.precision).toBeGreaterThanOrEqual(0.95);
    expect(copies.recall).toBeGreaterThanOrEqual(0.85);
  });

  it('lists each text once afterwards', async () => {
    const data = ok<any>(await app.gql(`{ articles(first: 100) { totalCount edges { node { url } } } }`));
    expect(data.articles.totalCount).toBe(fixture.articles.filter((a) => !a.duplicateOf).length);
  });

  it('does nothing when nothing is left', async () => {
    const before = await app.db.rows(STATE);
    expect(await service.run({ batchSize: 7 })).toMatchObject({ unclustered: 0, clustered: 0, storiesStarted: 0, batches: 0 });
    expect(await app.db.rows(STATE)).toEqual(before);
  });
});
