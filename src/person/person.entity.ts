import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An author, or a person an article mentions. */
@Entity({ name: 'person' })
// Trigram search over the name and every alias; declared so migration:generate keeps it.
@Index('IDX_person_search_trgm', { synchronize: false })
export class PersonEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('UQ_person_slug', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  /** The names the person is written as, in any script and short form (`পুতিন`, `Путин`). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  aliases!: string[];

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Name and aliases through normalizeForSearch, for trigram search (see ArticleEntity.searchText). */
  @Column({ name: 'search_text', type: 'text', select: false })
  searchText!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
