import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SourceEntity } from './source.entity';

/**
 * One feed a followed source publishes, with what conditional GET needs next time (ETag,
 * Last-Modified) and how its last fetch went. A source may have several (news, sport, ...).
 */
@Entity({ name: 'source_feed' })
@Index('UQ_source_feed_source_url', ['sourceId', 'url'], { unique: true })
export class SourceFeedEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'source_id', type: 'uuid' })
  sourceId!: string;

  @ManyToOne(() => SourceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id' })
  source?: SourceEntity;

  @Column({ type: 'text' })
  url!: string;

  /** Order in which the admin listed the feeds: the first one's items come first on equal dates. */
  @Column({ type: 'smallint' })
  position!: number;

  @Column({ type: 'text', nullable: true })
  etag!: string | null;

  @Column({ name: 'last_modified', type: 'text', nullable: true })
  lastModified!: string | null;

  @Column({ name: 'last_fetched_at', type: 'timestamptz', nullable: true })
  lastFetchedAt!: Date | null;

  /** HTTP status of the last response, or null when the fetch never got one (refused, timed out). */
  @Column({ name: 'last_status', type: 'smallint', nullable: true })
  lastStatus!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** Items the feed held at its last successful parse. */
  @Column({ name: 'items_seen', type: 'integer', default: 0 })
  itemsSeen!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
