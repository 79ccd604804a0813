import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SourceEntity } from '../source/source.entity';

// The link tables (article-links.entity.ts) point here; this side declares no inverse relation,
// so the two files import each other in one direction only (nothing reads the links through it).
@Entity({ name: 'article' })
// Keyset pagination: newest first, globally, per source and per language.
@Index('IDX_article_published', ['publishedAt', 'id'])
@Index('IDX_article_source_published', ['sourceId', 'publishedAt', 'id'])
@Index('IDX_article_language_published', ['language', 'publishedAt', 'id'])
// The same story under another URL of the same source (ingestion's dedupe): both columns, so a
// look-up never walks the source's whole index.
@Index('IDX_article_source_content_hash', ['sourceId', 'contentHash'])
// Full-text and trigram indexes over an immutable SQL function of the text (see the migration);
// declared here so that migration:generate does not drop them.
@Index('IDX_article_search_fts', { synchronize: false })
@Index('IDX_article_search_trgm', { synchronize: false })
export class ArticleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'source_id', type: 'uuid' })
  sourceId!: string;

  @ManyToOne(() => SourceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id' })
  source?: SourceEntity;

  /** Canonical URL, tracking parameters and fragment removed. */
  @Index('UQ_article_url', { unique: true })
  @Column({ type: 'text' })
  url!: string;

  @Index('UQ_article_slug', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  slug!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  /** The body, one entry per paragraph, in order. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  paragraphs!: string[];

  @Column({ type: 'varchar', length: 35, nullable: true })
  language!: string | null;

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt!: Date;

  /**
   * The date the feed or page gave when it was more than FUTURE_DATE_TOLERANCE_MS past the fetch
   * time (src/ingest/parser/feed-date.ts): published_at then holds the time the story was first
   * fetched. Null when published_at is the publisher's own date.
   */
  @Column({ name: 'published_at_claimed', type: 'timestamptz', nullable: true })
  publishedAtClaimed!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'image_url', type: 'text', nullable: true })
  imageUrl!: string | null;

  /** The byline as printed, even when it names nobody we know (`এসএস/এসএন`). */
  @Column({ type: 'text', nullable: true })
  byline!: string | null;

  /** sha256 of the normalised title and body: the same story under another URL is a duplicate. */
  @Column({ name: 'content_hash', type: 'varchar', length: 64 })
  contentHash!: string;

  /**
   * Title, summary and body through normalizeForSearch (NFC, Unicode lower case), the exact
   * function queries go through; search indexes are built on this column, not on the raw text,
   * because Postgres lowercases only ASCII under the C locale.
   */
  @Column({ name: 'search_text', type: 'text', select: false })
  searchText!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
