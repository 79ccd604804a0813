import type { StoryReason } from './story-clustering';

/** A story as reads return it. */
export interface StoryRecord {
  dbId: string;
  title: string;
  summary: string | null;
  firstPublishedAt: Date;
  lastPublishedAt: Date;
  articleCount: number;
}

/** An article's place among stories and duplicates. */
export interface ArticleClusterRecord {
  articleId: string;
  storyId: string;
  /** The canonical copy it duplicates; null when it is one itself or duplicates nothing. */
  canonicalId: string | null;
  why: StoryReason | null;
}

/** What a story gathers from its articles: people (most reported first), outlets and languages. */
export interface StoryFacetsRecord {
  storyId: string;
  personIds: string[];
  sourceIds: string[];
  languages: string[];
}

/** Conditions of a story list. */
export interface StoryCriteria {
  /** BCP 47 tag, canonical (normalizeLanguageFilter): a story with an article whose language is it, extends it or is extended by it. */
  language?: string | null;
  sourceIds?: string[] | null;
  personIds?: string[] | null;
  publishedAfter?: Date | null;
  publishedBefore?: Date | null;
}

/** (lastPublishedAt, id): stories, most recently active first. */
export interface StoryKey {
  lastPublishedAt: Date;
  id: string;
}
