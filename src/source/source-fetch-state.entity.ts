import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { FetchState } from './fetch-state';
import { SourceEntity } from './source.entity';

/**
 * The schedule and fetch history of a followed source: one row per source we fetch (sources that
 * are only cited, such as news agencies named in articles, have none). The lease columns make
 * "one fetch of a source at a time" hold across any number of worker processes.
 */
@Entity({ name: 'source_fetch_state' })
// Due sources, soonest first: what the scheduler asks for on every tick.
@Index('IDX_source_fetch_state_due', ['state', 'nextRunAt'])
export class SourceFetchStateEntity {
  @PrimaryColumn({ name: 'source_id', type: 'uuid' })
  sourceId!: string;

  @OneToOne(() => SourceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id' })
  source?: SourceEntity;

  @Column({ name: 'interval_minutes', type: 'integer' })
  intervalMinutes!: number;

  /** IANA zone for dates the source writes without one; null means UTC. */
  @Column({ name: 'time_zone', type: 'varchar', length: 64, nullable: true })
  timeZone!: string | null;

  @Column({ type: 'varchar', length: 16, default: FetchState.ACTIVE })
  state!: FetchState;

  @Column({ name: 'next_run_at', type: 'timestamptz', default: () => 'now()' })
  nextRunAt!: Date;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true })
  lastSuccessAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'last_error_at', type: 'timestamptz', nullable: true })
  lastErrorAt!: Date | null;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  /** Items the last successful run found across the source's feeds. */
  @Column({ name: 'items_seen', type: 'integer', default: 0 })
  itemsSeen!: number;

  /** Items found by every run since the source was added. */
  @Column({ name: 'items_seen_total', type: 'integer', default: 0 })
  itemsSeenTotal!: number;

  /** Who is fetching the source now (a worker id) and until when the claim holds if it dies. */
  @Column({ name: 'lease_owner', type: 'text', nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
