import { defineTable, defineWrites, columnsOf, writeColumnsOf, type RecordOf, type WriteRecordOf } from '../db/column-selection';
import type { PersonRecord } from '../person/person.record';
import type { SourceRecord } from '../source/source.record';
import type { ArticleEntity } from './article.entity';

const c = columnsOf<ArticleEntity>();

/**
 * What reads return of an article: the one list of its fields and columns (see
 * db/column-selection.ts). Its id and source are always read; the rest as selected.
 */
export const ARTICLE_TABLE = defineTable<ArticleEntity>()('article', 'a', {
  dbId: c('id', 'id', { required: true }),
  sourceId: c('sourceId', 'source_id', { required: true }),
  slug: c('slug', 'slug'),
  url: c('url', 'url'),
  title: c('title', 'title'),
  summary: c('summary', 'summary'),
  paragraphs: c('paragraphs', 'paragraphs'),
  language: c('language', 'language'),
  publishedAt: c('publishedAt', 'published_at'),
  updatedAt: c('updatedAt', 'updated_at'),
  imageUrl: c('imageUrl', 'image_url'),
  byline: c('byline', 'byline'),
});

const w = writeColumnsOf<ArticleEntity>();

/**
 * The columns an article write stores, in the order the statements list them: the ingestion's
 * upsert (article-write.repository.ts) and the demo generator's bulk insert (seed/demo-data.ts)
 * both take their column lists from here, and their values' types from the entity.
 */
export const ARTICLE_WRITE = defineWrites<ArticleEntity>()({
  sourceId: w('sourceId', 'source_id', 'uuid'),
  url: w('url', 'url', 'text'),
  slug: w('slug', 'slug', 'text'),
  title: w('title', 'title', 'text'),
  summary: w('summary', 'summary', 'text'),
  paragraphs: w('paragraphs', 'paragraphs', 'text[]'),
  language: w('language', 'language', 'text'),
  publishedAt: w('publishedAt', 'published_at', 'timestamptz'),
  updatedAt: w('updatedAt', 'updated_at', 'timestamptz'),
  imageUrl: w('imageUrl', 'image_url', 'text'),
  byline: w('byline', 'byline', 'text'),
  searchText: w('searchText', 'search_text', 'text'),
  contentHash: w('contentHash', 'content_hash', 'text'),
  publishedAtClaimed: w('publishedAtClaimed', 'published_at_claimed', 'timestamptz'),
});

export type ArticleWriteField = keyof typeof ARTICLE_WRITE;

/** The stored values of an article, as its writes give them (dates that default may be left null). */
export type ArticleColumns = Omit<WriteRecordOf<typeof ARTICLE_WRITE>, 'updatedAt' | 'publishedAtClaimed'> & {
  /** When the publisher says the story changed; defaults to now() when stored content changes. */
  updatedAt: Date | null;
  /** The publisher's own date when publishedAt is the fetch time it was clamped to (ingest); null otherwise. */
  publishedAtClaimed?: Date | null;
};

/** The read model: a plain row, as repositories return it, and what a list prefetched for it. */
export type ArticleRecord = RecordOf<typeof ARTICLE_TABLE> & {
  /** Relations a list query fetched ahead of execution; the field resolvers read them first. */
  prefetched?: ArticleRelations;
  /** In a search's ranked list: the article's rank (1 title or named-entity match, 0 body only), which its cursor carries. */
  searchRank?: number;
};

/** One stored version of an article (provenance). */
export interface RevisionRecord {
  at: Date;
  contentHash: string;
  /** The API's names of the fields this version changed; empty for the first. */
  changedFields: string[];
}

/** Where and when an article was fetched, and its stored versions. */
export interface ProvenanceRecord {
  articleId: string;
  firstSeenAt: Date;
  lastFetchedAt: Date | null;
  fetchedFrom: string | null;
  revisions: RevisionRecord[];
}

/** A person named in an article, and how often. */
export interface MentionRecord {
  person: PersonRecord;
  count: number;
}

/**
 * An article's relations, loaded for a whole page at once when the query's selection is known up
 * front (the sidebar): the fields then resolve without a promise each.
 */
export interface ArticleRelations {
  source?: SourceRecord | null;
  authors?: PersonRecord[];
  mentions?: MentionRecord[];
  citedSources?: SourceRecord[];
}

/** The fields selected on a page's articles' relations (empty when not selected). */
export interface ArticleRelationSelection {
  authors: ReadonlySet<string>;
  mentionPeople: ReadonlySet<string>;
  citedSources: ReadonlySet<string>;
}

/** What a list query selects of its articles (`fields`) and of their relations. */
export interface ArticleSelection {
  fields: ReadonlySet<string>;
  relations: ArticleRelationSelection;
}

/** Order of an article list. */
export enum ArticleOrder {
  NEWEST_FIRST = 'NEWEST_FIRST',
  OLDEST_FIRST = 'OLDEST_FIRST',
}
