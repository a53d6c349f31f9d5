import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const ORGANISATION_ROLES = ['icb', 'delivery-partner', 'supplier', 'practice', 'operator'] as const;
export type OrganisationRole = (typeof ORGANISATION_ROLES)[number];

/** How the installation talks to a supplier: not at all, signed webhooks to `webhookUrl`, or the sandbox. */
export const SUPPLIER_ADAPTERS = ['none', 'webhook', 'sandbox'] as const;
export type SupplierAdapterKind = (typeof SUPPLIER_ADAPTERS)[number];

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

  /** Secret that signs what we send to `webhookUrl` (FieldCipher-encrypted; shown once to the organisation). */
  @Column({ name: 'webhook_secret_encrypted', type: 'text', nullable: true })
  webhookSecretEncrypted: string | null;

  /** Suppliers only: which adapter carries requests to them. */
  @Column({ name: 'supplier_adapter', type: 'text', default: 'none' })
  supplierAdapter: SupplierAdapterKind;

  /** Adapter options, e.g. the sandbox's delays and behaviour (late, failed load, data issues). */
  @Column({ name: 'adapter_settings', type: 'jsonb', default: () => "'{}'::jsonb" })
  adapterSettings: Record<string, unknown>;

  /** Where organisation-level messages (the weekly digest) go. */
  @Column({ name: 'contact_email', type: 'text', nullable: true })
  contactEmail: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
