import { EntityDirectory } from '../../src/ingest/store/entity-directory';
import { IngestStore, type EntryToStore } from '../../src/ingest/store/ingest.store';
import { PersonRepository } from '../../src/person/person.repository';
import { SourceRepository } from '../../src/source/source.repository';
import { toGlobalId } from '../../src/graphql/relay/global-id';
import { admin, ingestConfig } from '../support/ingest-app';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Purging a source (removeSource with purge) deletes its articles; the stories and duplicate
 * groups they belonged to are mended in the same transaction (src/story/story-repair.repository.ts).
 * Before, a story kept the count, dates and title it had with them (or stayed with no article at
 * all), and the copies of a deleted canonical copy each became canonical: the lists that show each
 * text once showed the text once per copy.
 */
const WIRE = [
  'Harbour authorities in Chattogram closed the outer anchorage on Tuesday after a tanker lost power near the channel entrance.',
  'Pilots said the closure would last until tugs could tow the vessel clear, and that inbound ships would wait offshore.',
];
const OWN = [
  'The city corporation opened three new water treatment plants in the eastern wards, officials said on Sunday morning.',
  'Residents had waited two years for the plants, which will serve about four hundred thousand people across the wards.',
];

describe('purging a source mends its stories and duplicate groups', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(ingestConfig());
  });
  afterAll(async () => {
    await app?.close();
  });

  const query = <T = Record<string, any>>(text: string, params: unknown[] = []) => app.db.manager.query<T[]>(text, params);

  function entry(slug: string, n: number, title: string, paragraphs: string[], minutes: number): EntryToStore {
    return {
      key: `${slug}-${n}`,
      position: n,
      headline: title,
      url: `https://${slug}.example/${n}`,
      imageUrl: null,
      language: 'en',
      publishedAt: new Date(Date.UTC(2026, 2, 2, 8) + minutes * 60_000),
      publishedAtClaimed: null,
      updatedAt: null,
      article: { title, summary: null, paragraphs, byline: null, authorNames: [], fetchedFrom: null },
    };
  }

  it('re-points the copies to the earliest remaining one, recounts and retitles the story, and deletes a story left empty', async () => {
    const sources: Record<string, string> = {};
    for (const slug of ['wire', 'paper-a', 'paper-b']) {
      [{ id: sources[slug]! }] = await query<{ id: string }>(`INSERT INTO source (slug, name, aliases, language, kind) VALUES ($1::text, $1::text, '{}', 'en', 'news') RETURNING id`, [slug]);
    }
    const store = new IngestStore(app.db, await EntityDirectory.load(new PersonRepository(app.db), new SourceRepository(app.db)));
    // The wire's text first, then two papers' copies of it; the wire's own second story alone.
    await store.store(sources.wire!, [entry('wire', 1, 'Anchorage closed', WIRE, 0), entry('wire', 2, 'New water plants', OWN, 5)], { batchSize: 100 });
    await store.store(sources['paper-a']!, [entry('paper-a', 1, 'Chattogram anchorage closed', WIRE, 30)], { batchSize: 100 });
    await store.store(sources['paper-b']!, [entry('paper-b', 1, 'Anchorage shut after tanker fault', WIRE, 20)], { batchSize: 100 });

    const clusterOf = async (url: string) =>
      (await query(`SELECT c.story_id, c.canonical_id, (SELECT url FROM article WHERE id = c.canonical_id) AS canonical_url FROM article_cluster c JOIN article a ON a.id = c.article_id WHERE a.url = $1`, [url]))[0]!;
    const wireCopy = await clusterOf('https://wire.example/1');
    expect(wireCopy.canonical_id).toBeNull();
    expect((await clusterOf('https://paper-a.example/1')).canonical_url).toBe('https://wire.example/1');
    expect((await clusterOf('https://paper-b.example/1')).canonical_url).toBe('https://wire.example/1');
    const storyId = wireCopy.story_id as string;
    const ownStoryId = (await clusterOf('https://wire.example/2')).story_id as string;
    expect(ownStoryId).not.toBe(storyId);

    const purged = await admin(app, `mutation($id: ID!) { removeSource(id: $id, purge: true) { purged articlesDeleted } }`, { id: toGlobalId('Source', sources.wire!) });
    expect(purged.removeSource).toEqual({ purged: true, articlesDeleted: 2 });

    // The earliest remaining copy (paper B, 20 minutes after the wire) is canonical; paper A points to it.
    expect((await clusterOf('https://paper-b.example/1')).canonical_id).toBeNull();
    expect((await clusterOf('https://paper-a.example/1')).canonical_url).toBe('https://paper-b.example/1');
    const listed = await query(`SELECT f.url, f.listed FROM feed_item f ORDER BY f.url`);
    expect(listed).toEqual([
      { url: 'https://paper-a.example/1', listed: false },
      { url: 'https://paper-b.example/1', listed: true },
    ]);
    // The story counts what is left, from its earliest article; the wire's own story is gone.
    const stories = await query(`SELECT id, title, article_count, first_published_at, last_published_at FROM story ORDER BY id`);
    expect(stories).toEqual([
      {
        id: storyId,
        title: 'Anchorage shut after tanker fault',
        article_count: 2,
        first_published_at: new Date(Date.UTC(2026, 2, 2, 8, 20)),
        last_published_at: new Date(Date.UTC(2026, 2, 2, 8, 30)),
      },
    ]);
  });
});
