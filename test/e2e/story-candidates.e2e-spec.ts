import { observeStatements, sql } from '../../src/db/sql-executor';
import { EntityDirectory } from '../../src/ingest/store/entity-directory';
import { IngestStore, type EntryToStore } from '../../src/ingest/store/ingest.store';
import { PersonRepository } from '../../src/person/person.repository';
import { SourceRepository } from '../../src/source/source.repository';
import { CANDIDATES_PER_KEY, DUPLICATE_WINDOW_HOURS } from '../../src/story/story-clustering';
import { bandKey, fingerprintText } from '../../src/text/fingerprint';
import { e2eConfig } from '../support/e2e-config';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The candidate look-up of story clustering reads at most CANDIDATES_PER_KEY rows of story_key per
 * key, however many articles share the key: one wire text carried a thousand times (every copy
 * has the same shingle bands) must not make each later batch read and sort every copy. Checked on
 * the plan Postgres runs (EXPLAIN ANALYZE of the statement the store sends), after ANALYZE, since
 * statistics are what once moved it to a bitmap scan of the whole key. Two earlier forms fail it:
 * ordered by `article_id` ascending against the primary key's backward scan (a sort above the
 * scan), and with both window bounds inside the scan (a bitmap scan of all 1,000 rows).
 */

const COPIES = 1000;
const BODY = [
  'Harbour authorities in Chattogram closed the outer anchorage on Tuesday after a tanker lost power near the channel entrance.',
  'Pilots said the closure would last until tugs could tow the vessel clear, and that inbound ships would wait offshore.',
];
const INSERT_SOURCE = sql('test_candidates_source', "INSERT INTO source (slug, name, aliases, language, kind) VALUES ('wire-copies', 'Wire Copies', '{}', 'en', 'news') RETURNING id");

/** Every node of a JSON plan that reads story_key, with its rows per loop. */
function storyKeyScans(node: PlanNode, found: PlanNode[] = []): PlanNode[] {
  if (node['Relation Name'] === 'story_key') found.push(node);
  for (const child of node.Plans ?? []) storyKeyScans(child, found);
  return found;
}
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  Plans?: PlanNode[];
}

describe('story candidates on a key a thousand copies share', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(e2eConfig());
  });
  afterAll(async () => {
    await app?.close();
  });

  it(`reads at most ${CANDIDATES_PER_KEY} rows of story_key per key`, async () => {
    const [source] = await app.db.rows<{ id: string }>(INSERT_SOURCE, []);
    const store = new IngestStore(app.db, await EntityDirectory.load(new PersonRepository(app.db), new SourceRepository(app.db)));
    const start = Date.UTC(2026, 2, 2);
    const entries = (from: number, count: number): EntryToStore[] =>
      Array.from({ length: count }, (_, i) => ({
        key: `copy-${from + i}`,
        position: i,
        headline: `Anchorage closed (${from + i})`,
        url: `https://wire.example/copies/${from + i}`,
        imageUrl: null,
        language: 'en',
        publishedAt: new Date(start + (from + i) * 60_000),
        publishedAtClaimed: null,
        updatedAt: null,
        article: { title: `Anchorage closed (${from + i})`, summary: null, paragraphs: BODY, byline: null, authorNames: [], fetchedFrom: null },
      }));
    await store.store(source!.id, entries(0, COPIES), { batchSize: 100 });
    await app.db.manager.query('ANALYZE story_key');

    let candidates: string | null = null;
    const stop = observeStatements((statement) => {
      if (statement.name === 'story_candidates') candidates = statement.text;
    });
    try {
      await store.store(source!.id, entries(COPIES, 1), { batchSize: 100 });
    } finally {
      stop();
    }
    expect(candidates).not.toBeNull();

    const at = start + COPIES * 60_000;
    const window = DUPLICATE_WINDOW_HOURS * 3_600_000;
    const key = bandKey(fingerprintText('', BODY).bands[0]!);
    const [row] = await app.db.manager.query<Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> | string }>>(`EXPLAIN (ANALYZE, FORMAT JSON) ${candidates!}`, [
      [key],
      [new Date(at - window)],
      [new Date(at + window)],
    ]);
    const plan = typeof row!['QUERY PLAN'] === 'string' ? (JSON.parse(row!['QUERY PLAN']) as Array<{ Plan: PlanNode }>) : row!['QUERY PLAN'];
    const scans = storyKeyScans(plan[0]!.Plan);
    expect(scans.length).toBeGreaterThan(0);
    expect(Math.max(...scans.map((scan) => scan['Actual Rows']))).toBeLessThanOrEqual(CANDIDATES_PER_KEY);
  });
});
