import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A person who signs in to the pages. They act as their organisation (the same rights as its API keys) and
 * their name goes into the audit trail. Matched by email, stored lower-case, for both sign-in links and OIDC.
 */
@Entity({ name: 'app_user' })
export class AppUserEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  email: string;

  @Column('text')
  name: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  /** A deactivated person cannot sign in; their audit entries stay. */
  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_signed_in_at', type: 'timestamptz', nullable: true })
  lastSignedInAt: Date | null;
}
