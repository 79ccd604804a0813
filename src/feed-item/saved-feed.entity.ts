import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ApiKeyEntity } from '../api-key/api-key.entity';

/**
 * A saved feed: a filter of the latest headlines that a partner (or an admin) stored under a name,
 * served at `/feeds/saved/<id>.{rss,atom,json}`. The filter is kept as database ids, a language tag
 * and a search text, exactly what the latest feeds' query parameters resolve to.
 */
@Entity({ name: 'saved_feed' })
// A key's feeds, newest first (the `savedFeeds` list, and the count a key may not exceed).
@Index('IDX_saved_feed_owner', ['ownerKeyId', 'createdAt', 'id'])
export class SavedFeedEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The partner key that saved it (`api_key.id`); null when an admin did. */
  @Column({ name: 'owner_key_id', type: 'uuid', nullable: true })
  ownerKeyId!: string | null;

  // Keys are revoked, never deleted; should one be, its feeds go with it.
  @ManyToOne(() => ApiKeyEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'owner_key_id' })
  owner?: ApiKeyEntity | null;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'source_ids', type: 'uuid', array: true, default: () => "'{}'" })
  sourceIds!: string[];

  @Column({ name: 'person_ids', type: 'uuid', array: true, default: () => "'{}'" })
  personIds!: string[];

  /** Canonical BCP 47 tag, or null for every language. */
  @Column({ type: 'varchar', length: 35, nullable: true })
  language!: string | null;

  /** NFC, trimmed; null for no search. */
  @Column({ type: 'text', nullable: true })
  search!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
