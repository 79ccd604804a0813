import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** What kind of outlet a source is. Stored as text so a new kind needs no enum migration. */
export enum SourceKind {
  PUBLISHER = 'publisher',
  AGENCY = 'agency',
  BROADCASTER = 'broadcaster',
  AGGREGATOR = 'aggregator',
  BLOG = 'blog',
  GOVERNMENT = 'government',
  OTHER = 'other',
}

/** A publisher we aggregate, or an outlet an article cites. */
@Entity({ name: 'source' })
export class SourceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('UQ_source_slug', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Every way the outlet is written (`TRT World`, `টিআরটি ওয়ার্ল্ড`): citations are found by these. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  aliases!: string[];

  @Column({ name: 'homepage_url', type: 'text', nullable: true })
  homepageUrl!: string | null;

  /** BCP 47 tag. */
  @Column({ type: 'varchar', length: 35, nullable: true })
  language!: string | null;

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'varchar', length: 2, nullable: true })
  country!: string | null;

  @Column({ name: 'logo_url', type: 'text', nullable: true })
  logoUrl!: string | null;

  @Column({ type: 'varchar', length: 32, default: SourceKind.PUBLISHER })
  kind!: SourceKind;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
