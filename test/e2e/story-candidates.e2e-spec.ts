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
 * has the same shingle bands) must not make each later batch read and sort every copy. Counted as
 * the index entries of story_key's primary key that the statement the store sends reads
 * (pg_stat_get_xact_tuples_returned, in its transaction), with statistics from when the key was rare
 * (the planner, estimating each key at the table's average, then read the key whole with a bitmap
 * scan: 3,000 rows a key in the ingest bench) and again after ANALYZE. Earlier forms fail it:
 * ordered by `article_id` ascending against the primary key's backward scan (a sort above the
 * scan), with both window bounds inside the scan, and any form the planner may turn into a
 * bitmap scan (story_key_latest forbids it).
 */

const COPIES = 1000;
const BODY = [
  'Harbour authorities in Chattogram closed the outer anchorage on Tuesday after a tanker lost power near the channel entrance.',
  'Pilots said the closure would last until tugs could tow the vessel clear, and that inbound ships would wait offshore.',
];
const INSERT_SOURCE = sql('test_candidates_source', "INSERT INTO source (slug, name, aliases, language, kind) VALUES ('wire-copies', 'Wire Copies', '{}', 'en', 'news') RETURNING id");

/** `count` articles of texts unlike each other and the copies (words drawn by a fixed sequence), a minute apart up to `until`. */
function otherTexts(count: number, until: number): EntryToStore[] {
  const words = ['river', 'council', 'harvest', 'market', 'ferry', 'school', 'budget', 'monsoon', 'bridge', 'station', 'cricket', 'festival', 'garment', 'export', 'clinic', 'village', 'highway', 'tariff', 'rainfall', 'election'];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  return Array.from({ length: count }, (_, i) => {
    const paragraph = () => Array.from({ length: 40 }, () => words[next() % words.length]).join(' ') + '.';
    return {
      key: `other-${i}`,
      position: i,
      headline: `Other report ${i}`,
      url: `https://wire.example/other/${i}`,
      imageUrl: null,
      language: 'en',
      publishedAt: new Date(until - i * 60_000),
      publishedAtClaimed: null,
      updatedAt: null,
      article: { title: `Other report ${i}`, summary: null, paragraphs: [paragraph(), paragraph()], byline: null, authorNames: [], fetchedFrom: null },
    };
  });
}

describe('story candidates on a key a thousand copies share', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(e2eConfig());
  });
  afterAll(async () => {
    await app?.close();
  });

  it(`reads at most ${CANDIDATES_PER_KEY} rows of story_key per key, with statistics old and new`, async () => {
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
    // Statistics taken while the key was rare among many one-article keys (other texts' bands):
    // the planner then estimates a key at about one row. Then a thousand copies more.
    await store.store(source!.id, otherTexts(300, start - 3_600_000), { batchSize: 100 });
    await store.store(source!.id, entries(0, 20), { batchSize: 100 });
    await app.db.manager.query('ANALYZE story_key');
    await store.store(source!.id, entries(20, COPIES), { batchSize: 100 });

    let candidates: string | null = null;
    const stop = observeStatements((statement) => {
      if (statement.name === 'story_candidates') candidates = statement.text;
    });
    try {
      await store.store(source!.id, entries(20 + COPIES, 1), { batchSize: 100 });
    } finally {
      stop();
    }
    expect(candidates).not.toBeNull();

    const at = start + (20 + COPIES) * 60_000;
    const window = DUPLICATE_WINDOW_HOURS * 3_600_000;
    const keys = fingerprintText('', BODY).bands.slice(0, 4).map(bandKey);
    /** Index entries of story_key's primary key the candidate statement reads for `keys`, and the candidates it returns. */
    const lookUp = () =>
      app.db.transaction(async (manager) => {
        const indexReads = async () => {
          const [row] = await manager.query<Array<{ reads: string }>>(
            `SELECT pg_stat_get_xact_tuples_returned(x.indexrelid)::text AS reads FROM pg_index x WHERE x.indrelid = 'story_key'::regclass AND x.indisprimary`,
          );
          return Number(row!.reads);
        };
        const before = await indexReads();
        const found = await manager.query<unknown[]>(candidates!, [keys, keys.map(() => new Date(at - window)), keys.map(() => new Date(at + window))]);
        return { reads: (await indexReads()) - before, found: found.length };
      });

    const stale = await lookUp();
    expect(stale.found).toBeGreaterThanOrEqual(CANDIDATES_PER_KEY);
    // A backward scan stops at the (CANDIDATES_PER_KEY + 1)th entry at most; a bitmap scan reads all 1,020.
    expect(stale.reads).toBeLessThanOrEqual(keys.length * (CANDIDATES_PER_KEY + 1));

    await app.db.manager.query('ANALYZE story_key');
    const analysed = await lookUp();
    expect(analysed.reads).toBeLessThanOrEqual(keys.length * (CANDIDATES_PER_KEY + 1));
  });
});
