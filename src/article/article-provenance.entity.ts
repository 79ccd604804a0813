import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';

/**
 * Where and when ingestion last fetched an article: a narrow row of its own, because every poll
 * that still lists the article moves `last_fetched_at`, and rewriting the wide article row (its
 * body, search text and indexes) for that would be the costliest write of a re-poll.
 */
@Entity({ name: 'article_fetch' })
export class ArticleFetchEntity {
  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: ArticleEntity;

  /** The last fetch (of its feed or its page) that carried the article. */
  @Column({ name: 'last_fetched_at', type: 'timestamptz' })
  lastFetchedAt!: Date;

  /**
   * Where its stored text came from: the article page when the body was taken from it, otherwise
   * the feed's URL, with credentials removed (src/common/url-credentials.ts).
   */
  @Column({ name: 'fetched_from', type: 'text' })
  fetchedFrom!: string;
}

/**
 * One stored version of an article: the first as stored, then one per change of its text or
 * metadata (an UPDATE that changed a column; storing the same content again writes none).
 */
@Entity({ name: 'article_revision' })
@Index('IDX_article_revision_article', ['articleId', 'at', 'id'])
export class ArticleRevisionEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: ArticleEntity;

  /** When this version was stored. */
  @Column({ type: 'timestamptz' })
  at!: Date;

  /** The version's content hash (sha256 of title and body, as article.content_hash). */
  @Column({ name: 'content_hash', type: 'varchar', length: 64 })
  contentHash!: string;

  /** The API's names of the fields this version changed (`title`, `paragraphs`, …); empty for the first. */
  @Column({ name: 'changed_fields', type: 'text', array: true })
  changedFields!: string[];
}
