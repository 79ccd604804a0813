import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A partner's API key. The secret itself is never stored: only its SHA-256, which is enough for a
 * 256-bit random secret (nothing to brute-force, so a slow password hash would only slow every
 * request). `key_id` is the non-secret part of the key the row is found by.
 */
@Entity({ name: 'api_key' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('UQ_api_key_key_id', { unique: true })
  @Column({ name: 'key_id', type: 'varchar', length: 32 })
  keyId!: string;

  /** The partner, as the operator named it. */
  @Column({ type: 'text' })
  name!: string;

  /** Hex SHA-256 of the whole key. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash!: string;

  /** Browser origins allowed to call with this key (CORS); empty: none. */
  @Column({ name: 'allowed_origins', type: 'text', array: true, default: () => "'{}'" })
  allowedOrigins!: string[];

  /** SHA-256 hashes of the only operations this key may run; null: any operation. */
  @Column({ name: 'allowed_operations', type: 'text', array: true, nullable: true })
  allowedOperations!: string[] | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
