import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The log of what ingestion added: one row per announcement of new feed items or new articles,
 * written in the transaction that stored them (src/events/news-event.repository.ts), numbered in
 * commit order. Each row is also sent as a NOTIFY; a process whose LISTEN connection dropped
 * reads the rows it missed from here (src/events/news-events.ts). Rows older than a day are
 * removed as new ones are written.
 */
@Entity({ name: 'news_event' })
export class NewsEventEntity {
  /**
   * Commit order: the migration's news_event_record() takes a transaction-level lock before it
   * draws the number from news_event_seq, so a later number is always committed later.
   */
  @PrimaryColumn({ type: 'bigint' })
  seq!: string;

  /** `feedItemAdded` or `articlePublished`. */
  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  /** Database ids of the rows added, in the order they were stored (at most 150 per row). */
  @Column({ type: 'uuid', array: true })
  ids!: string[];

  @Index('IDX_news_event_stored_at')
  @Column({ name: 'stored_at', type: 'timestamptz', default: () => 'now()' })
  storedAt!: Date;
}
