import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const ORGANISATION_ROLES = ['icb', 'delivery-partner', 'supplier', 'practice', 'operator'] as const;
export type OrganisationRole = (typeof ORGANISATION_ROLES)[number];

/**
 * A party that calls the API: an ICB (code Q..), a delivery partner, a clinical system supplier or a GP practice
 * (ODS code). Its `code` is what migrations name it by. An operator runs the installation itself.
 */
@Entity({ name: 'organisation' })
export class OrganisationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  role: OrganisationRole;

  @Column({ type: 'text', unique: true })
  code: string;

  @Column('text')
  name: string;

  /** Where the supplier adapter or webhook channel reaches this organisation (suppliers only). */
  @Column({ name: 'webhook_url', type: 'text', nullable: true })
  webhookUrl: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
