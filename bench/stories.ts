import 'reflect-metadata';
import { loadavg } from 'node:os';
import { loadConfig } from '../src/config/config';
import { openDatabase } from '../src/db/data-source';
import { sql, SqlExecutor } from '../src/db/sql-executor';
import { EntityDirectory } from '../src/ingest/store/entity-directory';
import { IngestStore, type EntryToStore } from '../src/ingest/store/ingest.store';
import { PersonRepository } from '../src/person/person.repository';
import { SourceRepository } from '../src/source/source.repository';

/**
 * Clustering cost per stored article on a large database: `newsgate seed --demo 200000` into a
 * scratch Postgres database first, then
 *   DATABASE_URL=postgres://…/stories_bench npx ts-node --transpile-only bench/stories.ts
 * stores BENCH_ARTICLES new articles in all (each naming two of the demo's people, dated inside the demo's
 * time range so candidates are found) in ingest batches of BENCH_BATCH, alternating rounds with
 * clustering and without (IngestStore's stories = null), and prints milliseconds per article.
 */
const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 2000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
/** Rounds alternate without and with clustering; the first pair warms up and is not counted. */
const ROUNDS = 6;


async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('set DATABASE_URL to the scratch database');
  const database = await openDatabase(config);
  const db = new SqlExecutor(database.dataSource);
  const [{ count }] = await db.rows<{ count: number }>(sql('bench_count', 'SELECT count(*)::int AS count FROM article'));
  const people = await db.rows<{ name: string }>(sql('bench_people', 'SELECT name FROM person ORDER BY slug LIMIT 2000'));
  const [source] = await db.rows<{ id: string }>(sql('bench_source', 'SELECT id FROM source ORDER BY slug LIMIT 1'));
  const [range] = await db.rows<{ min: Date; max: Date }>(sql('bench_range', 'SELECT min(published_at) AS min, max(published_at) AS max FROM article'));
  const directory = await EntityDirectory.load(new PersonRepository(db), new SourceRepository(db));
  const run = Date.now().toString(36);

  const entries = (round: number): EntryToStore[] =>
    Array.from({ length: ARTICLES / ROUNDS }, (_, i) => {
      const n = round * 100_000 + i;
      const a = people[(n * 7919) % people.length]!.name;
      const b = people[(n * 104_729 + 13) % people.length]!.name;
      const at = new Date(range!.min.getTime() + ((n * 2_654_435_761) % (range!.max.getTime() - range!.min.getTime())));
      // Words of its own (a pseudo-word per position): unrelated texts, as unrelated reports are.
      const words = Array.from({ length: 60 }, (_, k) => `w${((n + 1) * 2_654_435_761 + k * 40_503) % 1_000_003}`).join(' ');
      return {
        key: `bench-${run}-${n}`,
        position: i,
        headline: `${a} and ${b} ${n}`,
        url: `https://bench.example/${run}/${n}`,
        imageUrl: null,
        language: 'en',
        publishedAt: at,
        publishedAtClaimed: null,
        updatedAt: null,
        article: { title: `${a} and ${b} meet (${n})`, summary: null, paragraphs: [`${a} met ${b} on ${at.toDateString()}. ${words} ${n}.`, `${words} ${a}.`], byline: null, authorNames: [], fetchedFrom: null },
      };
    });

  const times = { with: [] as number[], without: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const clustering = round % 2 === 1;
    const store = clustering ? new IngestStore(db, directory) : new IngestStore(db, directory, undefined, null);
    const batch = entries(round);
    const started = process.hrtime.bigint();
    await store.store(source!.id, batch, { batchSize: BATCH });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (round >= 2) (clustering ? times.with : times.without).push(ms / batch.length);
  }
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const [{ stories }] = await db.rows<{ stories: number }>(sql('bench_stories', 'SELECT count(*)::int AS stories FROM story'));
  console.log(
    JSON.stringify(
      {
        articlesInDatabase: count,
        storedPerRound: ARTICLES / ROUNDS,
        batchSize: BATCH,
        msPerArticleWithClustering: +mean(times.with).toFixed(3),
        msPerArticleWithoutClustering: +mean(times.without).toFixed(3),
        clusteringMsPerArticle: +(mean(times.with) - mean(times.without)).toFixed(3),
        rounds: times,
        storiesAfter: stories,
        loadAverage: loadavg().map((v) => +v.toFixed(2)),
      },
      null,
      2,
    ),
  );
  await database.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
