import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The practice migration registry and read model. The API writes the row at kickoff; the workflow's
 * `projectState` activity keeps the process columns equal to the workflow's state (newest `revision` wins).
 */
@Entity({ name: 'migration' })
@Index('migration_icb_stage_idx', ['icbCode', 'stage'])
@Index('migration_new_supplier_idx', ['newSupplier'])
@Index('migration_current_supplier_idx', ['currentSupplier'])
export class MigrationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'workflow_id', type: 'text', unique: true })
  workflowId: string;

  @Column({ name: 'practice_ods_code', type: 'text' })
  practiceOdsCode: string;

  @Column({ name: 'practice_name', type: 'text' })
  practiceName: string;

  @Column({ name: 'icb_code', type: 'text' })
  icbCode: string;

  @Column({ name: 'current_supplier', type: 'text' })
  currentSupplier: string;

  @Column({ name: 'new_supplier', type: 'text' })
  newSupplier: string;

  /** Code of the delivery partner organisation running the migration day to day, if named at kickoff. */
  @Column({ name: 'delivery_partner', type: 'text', nullable: true })
  deliveryPartner: string | null;

  @Column({ name: 'planned_go_live', type: 'date' })
  plannedGoLive: string;

  @Column({ name: 'forecast_go_live', type: 'date' })
  forecastGoLive: string;

  /** starting (registered, workflow not yet confirmed), active, paused, cancelled, signed-off. */
  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'text' })
  stage: string;

  @Column({ name: 'at_risk', type: 'boolean', default: false })
  atRisk: boolean;

  @Column({ name: 'overdue_count', type: 'integer', default: 0 })
  overdueCount: number;

  @Column({ type: 'integer', default: 1 })
  round: number;

  @Column({ name: 'graph_version', type: 'integer' })
  graphVersion: number;

  /** SHA-256 of the normalised kickoff request: an identical second kickoff is recognised by it. */
  @Column({ name: 'request_fingerprint', type: 'text' })
  requestFingerprint: string;

  @Column({ name: 'created_by', type: 'jsonb' })
  createdBy: { role: string; organisationId: string };

  /** The workflow's last status snapshot (no patient data): what the API shows when Temporal is unreachable. */
  @Column({ type: 'jsonb', nullable: true })
  snapshot: Record<string, unknown> | null;

  @Column({ type: 'integer', default: 0 })
  revision: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
