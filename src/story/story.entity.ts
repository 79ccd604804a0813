import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from '../article/article.entity';

/**
 * A story: the articles about one event, from every outlet, in any language (src/story/story-clustering.ts
 * decides who joins). Its dates and count are kept by the statement that adds articles to it.
 */
@Entity({ name: 'story' })
// Most recently active first (stories(...)), keyset pagination.
@Index('IDX_story_last_published', ['lastPublishedAt', 'id'])
export class StoryEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The title of its earliest article. */
  @Column({ type: 'text' })
  title!: string;

  /** The summary of its earliest article. */
  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Column({ name: 'first_published_at', type: 'timestamptz' })
  firstPublishedAt!: Date;

  @Column({ name: 'last_published_at', type: 'timestamptz' })
  lastPublishedAt!: Date;

  @Column({ name: 'article_count', type: 'integer' })
  articleCount!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * An article's place among stories and duplicates: its story, its canonical copy (null when it is
 * one), the fingerprints clustering compares, and why it joined (the pair and what they share).
 * A narrow row of its own: clustering never rewrites the wide article row.
 */
@Entity({ name: 'article_cluster' })
@Index('IDX_article_cluster_story', ['storyId', 'publishedAt', 'articleId'])
@Index('IDX_article_cluster_canonical', ['canonicalId'])
// The copies alone (a few of all articles): lists that show each text once leave out an article
// found here, one probe of this small index per row they read (src/article/article.repository.ts).
@Index('IDX_article_cluster_copy', ['articleId'], { where: '"canonical_id" IS NOT NULL' })
export class ArticleClusterEntity {
  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: ArticleEntity;

  @Column({ name: 'story_id', type: 'uuid' })
  storyId!: string;

  @ManyToOne(() => StoryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'story_id' })
  story?: StoryEntity;

  /** The article's publication time, copied here so a story's articles page by an index of their own. */
  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt!: Date;

  /** The canonical copy of the text this article duplicates; null when it is the canonical one or no duplicate. */
  @Column({ name: 'canonical_id', type: 'uuid', nullable: true })
  canonicalId!: string | null;

  @ManyToOne(() => ArticleEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'canonical_id' })
  canonical?: ArticleEntity;

  /** MinHash signature of the body's word 3-shingles (src/text/fingerprint.ts); null for a body too short. */
  @Column({ type: 'integer', array: true, nullable: true })
  shingles!: number[] | null;

  /** MinHash signature of the text's words. */
  @Column({ type: 'integer', array: true, nullable: true })
  words!: number[] | null;

  /** Dominant script of the text. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  script!: string | null;

  /** Why it joined its story (StoryReason): the article it was tied to and what they share. */
  @Column({ type: 'jsonb', nullable: true })
  why!: Record<string, unknown> | null;
}

/**
 * Candidate lookup for clustering: one row per person an article names and per band of its shingle signature, as
 * a 64-bit key (src/text/fingerprint.ts lookupKey) with the article's time, so a new article's
 * candidates are an index range per key (within the time window), never a scan.
 */
@Entity({ name: 'story_key' })
export class StoryKeyEntity {
  @PrimaryColumn({ type: 'bigint' })
  key!: string;

  @PrimaryColumn({ name: 'published_at', type: 'timestamptz' })
  publishedAt!: Date;

  /**
   * The article; no foreign key (a cascade from article had no index to use and scanned the table
   * once per deleted article): a statement trigger on article deletes the keys of deleted
   * articles (migration 1796696000000-StoryKeyCleanup).
   */
  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId!: string;
}
