import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from '../../src/db/sql-executor';
import { IngestStore, type EntryToStore } from '../../src/ingest/store/ingest.store';
import { EntityDirectory } from '../../src/ingest/store/entity-directory';
import { PersonRepository } from '../../src/person/person.repository';
import { SourceRepository } from '../../src/source/source.repository';
import { normalizeForSearch } from '../../src/text/normalize';
import type { TestApp } from './test-app';

/**
 * The labelled set of stories and duplicates (test/fixtures/stories/stories.json: 65 articles, 13
 * stories, 6 outlets, English, Bengali and Spanish, with syndicated copies, near-duplicates and
 * hard negatives), and how the tests store it.
 */

export interface FixtureArticle {
  key: string;
  story: string;
  source: string;
  url: string;
  publishedAt: string;
  language: string;
  title: string;
  paragraphs: string[];
  duplicateOf?: string;
}
interface Fixture {
  people: Array<{ slug: string; name: string; aliases: string[] }>;
  sources: Array<{ slug: string; name: string; language: string; kind: string; aliases: string[] }>;
  articles: FixtureArticle[];
}

export const fixture = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/stories/stories.json'), 'utf8')) as Fixture;

const INSERT_PERSON = sql('test_story_person', 'INSERT INTO person (slug, name, aliases, search_text) VALUES ($1, $2, $3, $4) RETURNING id');
const INSERT_SOURCE = sql('test_story_source', 'INSERT INTO source (slug, name, aliases, language, kind) VALUES ($1, $2, $3, $4, $5) RETURNING id');

export const inPublicationOrder = [...fixture.articles].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.key.localeCompare(b.key));

/**
 * The fixture stored through the ingest store, in publication order, a run of one outlet's articles
 * per call; with `clustering: false`, as before stories existed (no story, no duplicate group).
 * Returns the outlets' database ids by slug.
 */
export async function storeFixture(app: TestApp, articles: readonly FixtureArticle[] = inPublicationOrder, options: { clustering?: boolean } = {}): Promise<Map<string, string>> {
  const sourceIds = new Map<string, string>();
  for (const person of fixture.people) {
    await app.db.rows(INSERT_PERSON, [person.slug, person.name, person.aliases, normalizeForSearch([person.name, ...person.aliases].join(' '))]);
  }
  for (const source of fixture.sources) {
    const [row] = await app.db.rows<{ id: string }>(INSERT_SOURCE, [source.slug, source.name, source.aliases, source.language, source.kind]);
    sourceIds.set(source.slug, row!.id);
  }
  const directory = await EntityDirectory.load(new PersonRepository(app.db), new SourceRepository(app.db));
  const store = options.clustering === false ? new IngestStore(app.db, directory, undefined, null) : new IngestStore(app.db, directory);
  const runs: FixtureArticle[][] = [];
  for (const article of articles) {
    const last = runs[runs.length - 1];
    if (last && last[0]!.source === article.source) last.push(article);
    else runs.push([article]);
  }
  for (const run of runs) {
    const entries: EntryToStore[] = run.map((article, position) => ({
      key: article.url,
      position,
      headline: article.title,
      url: article.url,
      imageUrl: null,
      language: article.language,
      publishedAt: new Date(article.publishedAt),
      publishedAtClaimed: null,
      updatedAt: null,
      article: { title: article.title, summary: null, paragraphs: article.paragraphs, byline: null, authorNames: [], fetchedFrom: null },
    }));
    await store.store(sourceIds.get(run[0]!.source)!, entries, { batchSize: 50 });
  }
  return sourceIds;
}

/** Pairwise precision and recall of a clustering against labels (pairs of items in one cluster). */
export function pairwise(items: readonly string[], predicted: (item: string) => string, expected: (item: string) => string) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const falsePairs: string[] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const same = predicted(items[i]!) === predicted(items[j]!);
      const truth = expected(items[i]!) === expected(items[j]!);
      if (same && truth) tp++;
      else if (same) {
        fp++;
        falsePairs.push(`joined ${items[i]} + ${items[j]}`);
      } else if (truth) {
        fn++;
        falsePairs.push(`split ${items[i]} / ${items[j]}`);
      }
    }
  }
  return { precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn), tp, fp, fn, falsePairs };
}
