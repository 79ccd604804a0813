import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ArticleEntity } from '../article/article.entity';
import { SourceEntity } from '../source/source.entity';

/** One headline in a source's "latest" feed (the sidebar every news page carries). */
@Entity({ name: 'feed_item' })
// Identity within a source: the item's GUID or link, or a hash of headline and date when a page
// gives neither (the sample's sidebar has no links).
@Index('UQ_feed_item_source_key', ['sourceId', 'itemKey'], { unique: true })
// Newest first; equal dates keep page order (position ascending), then id for a total order. The
// mixed directions need DESC in the index definitions, which TypeORM cannot express: the indexes
// are written in the migration and declared here so migration:generate leaves them alone.
// IDX_feed_item_latest still serves several outlets' headlines (FeedCriteria.sourceIds: a saved
// feed naming two or more sources), listed as they stand and so not over the partial index below:
// without it such a page sorts every item of those outlets (the demo seed's 20,000 items, a page
// of 20 of its 50 outlets: 0.1 ms with it, 10 ms without).
@Index('IDX_feed_item_latest', { synchronize: false })
@Index('IDX_feed_item_source_latest', { synchronize: false })
@Index('IDX_feed_item_language_latest', { synchronize: false })
// The same order over the items listed once (`listed`), for the sidebar across sources and its count.
@Index('IDX_feed_item_listed_latest', { synchronize: false })
export class FeedItemEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'source_id', type: 'uuid' })
  sourceId!: string;

  @ManyToOne(() => SourceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id' })
  source?: SourceEntity;

  @Column({ name: 'item_key', type: 'text' })
  itemKey!: string;

  @Column({ type: 'text' })
  headline!: string;

  @Column({ type: 'text', nullable: true })
  url!: string | null;

  @Column({ name: 'image_url', type: 'text', nullable: true })
  imageUrl!: string | null;

  @Column({ type: 'varchar', length: 35, nullable: true })
  language!: string | null;

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt!: Date;

  /**
   * The date the feed (or the article page) gave when it was more than FUTURE_DATE_TOLERANCE_MS
   * past the fetch time (src/ingest/parser/feed-date.ts): published_at then holds the time the
   * item was first fetched. Null when published_at is the publisher's own date.
   */
  @Column({ name: 'published_at_claimed', type: 'timestamptz', nullable: true })
  publishedAtClaimed!: Date | null;

  /** 1-based place in the feed as the source published it. */
  @Column({ type: 'integer' })
  position!: number;

  @Index('IDX_feed_item_article')
  @Column({ name: 'article_id', type: 'uuid', nullable: true })
  articleId!: string | null;

  @ManyToOne(() => ArticleEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'article_id' })
  article?: ArticleEntity | null;

  /**
   * Whether it stands in the lists that show each text once: false when its article is a copy of
   * another's text or an earlier item links to the same article. Kept by triggers (migration
   * 1796680000000-FeedItemListed); ingestion's insert only gives new items their value first
   * (upsertFeedItems), so that the triggers need not rewrite them.
   */
  @Column({ type: 'boolean', default: true })
  listed!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
