import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * An API key of an organisation. Only a SHA-256 of the secret is stored (keys are 192-bit random, so a slow
 * hash adds nothing); `prefix` finds the row without scanning. The key itself is shown once, at creation.
 */
@Entity({ name: 'api_key' })
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ type: 'text', unique: true })
  prefix: string;

  @Column({ name: 'secret_hash', type: 'text' })
  secretHash: string;

  @Column('text')
  label: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
