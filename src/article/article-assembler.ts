import { matchEntitiesInSearchText } from '../text/aliases';
import { normalizeForSearch } from '../text/normalize';
import { slugify } from '../text/slug';
import { articleContentHash, type ArticleWrite } from './article-write.repository';

/** A person or outlet text can mention, by the database id it links to. */
export interface KnownEntity {
  id: string;
  aliases: string[];
}

/** What a page or a feed item says about a story, already normalised (NFC, sanitised paragraphs). */
export interface ArticleFacts {
  sourceId: string;
  /** Canonical URL (src/common/canonical-url.ts). */
  url: string;
  title: string;
  summary: string | null;
  paragraphs: string[];
  byline: string | null;
  language: string | null;
  publishedAt: Date;
  /** The publisher's own date when publishedAt is the fetch time it was clamped to (ingest). */
  publishedAtClaimed?: Date | null;
  updatedAt: Date | null;
  imageUrl: string | null;
  authorIds: string[];
}

/**
 * The article row the seed and the ingestion pipeline both store: mentions of known people and
 * citations of other outlets found in the text (script-aware, see text/aliases.ts), the search text
 * and the content hash. One function for both, so a page ingested from a feed or its HTML gives the
 * same article as the seed gives for the same text.
 */
export function assembleArticle(facts: ArticleFacts, people: readonly KnownEntity[], sources: readonly KnownEntity[]): ArticleWrite {
  const text = [facts.title, facts.summary, ...facts.paragraphs].filter((part): part is string => !!part).join('\n');
  // The search text is the form matching compares: normalised once, for both lists and the column.
  const searchText = normalizeForSearch(text);
  const mentions = [...matchEntitiesInSearchText(searchText, people).entries()].map(([personId, count]) => ({ personId, count }));
  // Its own outlet left out: an article does not cite itself.
  const citedSourceIds = [...matchEntitiesInSearchText(searchText, sources, facts.sourceId).keys()];
  return {
    sourceId: facts.sourceId,
    url: facts.url,
    slug: slugify(facts.title),
    title: facts.title,
    summary: facts.summary,
    paragraphs: facts.paragraphs,
    language: facts.language,
    publishedAt: facts.publishedAt,
    publishedAtClaimed: facts.publishedAtClaimed ?? null,
    updatedAt: facts.updatedAt,
    imageUrl: facts.imageUrl,
    byline: facts.byline,
    searchText,
    contentHash: articleContentHash(facts.title, facts.paragraphs),
    authorIds: facts.authorIds,
    mentions,
    citedSourceIds,
  };
}
