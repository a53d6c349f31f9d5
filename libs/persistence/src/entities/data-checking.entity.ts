import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/*
 * Data-checking artefacts of a migration (issue #7): what the new supplier asks to be checked, which patients the
 * practice selected, the report figures of both systems, each record check, the issues they raise, and the
 * clinical lead's sign-off. Patient identifiers exist only encrypted (FieldCipher) and as a keyed lookup hash.
 */

/** A test criterion: what kind of record to select and how many (provided by the new supplier or the partner). */
@Entity({ name: 'test_criterion' })
export class TestCriterionEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'migration_id', type: 'uuid' })
  migrationId: string;

  /** The supplier's own identifier of the criterion, unique within the migration (e.g. TC-01). */
  @Column('text')
  code: string;

  @Column('text')
  description: string;

  @Column('text')
  category: string;

  @Column({ name: 'patients_to_select', type: 'integer' })
  patientsToSelect: number;

  @Column({ name: 'provided_by_role', type: 'text' })
  providedByRole: string;

  @Column({ name: 'provided_by', type: 'text' })
  providedBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A patient selected for checking; appears once per migration (by `nhs_number_lookup`). */
@Entity({ name: 'selected_patient' })
export class SelectedPatientEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'migration_id', type: 'uuid' })
  migrationId: string;

  @Column({ name: 'nhs_number_encrypted', type: 'text' })
  nhsNumberEncrypted: string;

  /** Keyed hash of the NHS number: uniqueness without decrypting. */
  @Column({ name: 'nhs_number_lookup', type: 'text' })
  nhsNumberLookup: string;

  @Column({ name: 'criterion_id', type: 'uuid', nullable: true })
  criterionId: string | null;

  /** `criterion` or `random`. */
  @Column('text')
  reason: string;

  @Column({ name: 'selected_by_role', type: 'text' })
  selectedByRole: string;

  @Column({ name: 'selected_by', type: 'text' })
  selectedBy: string;

  /** Selected by the delivery partner assisting the practice. */
  @Column('boolean')
  assisted: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** One report figure in one round: the old system's value, the test system's, and the tolerance. */
@Entity({ name: 'report_figure' })
export class ReportFigureEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'migration_id', type: 'uuid' })
  migrationId: string;

  @Column('integer')
  round: number;

  /** kind and code (or the name, for `other`): one figure per key and round. */
  @Column({ name: 'figure_key', type: 'text' })
  figureKey: string;

  @Column('text')
  kind: string;

  @Column({ type: 'text', nullable: true })
  code: string | null;

  @Column('text')
  name: string;

  @Column({ name: 'old_value', type: 'integer', nullable: true })
  oldValue: number | null;

  @Column({ name: 'new_value', type: 'integer', nullable: true })
  newValue: number | null;

  @Column({ type: 'integer', default: 0 })
  tolerance: number;

  /** Who gave the old system's value: `practice`, `delivery-partner` or `current-supplier`. */
  @Column({ name: 'old_source', type: 'text', nullable: true })
  oldSource: string | null;

  @Column({ name: 'new_source', type: 'text', nullable: true })
  newSource: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** The result of checking one category of one selected patient's record in one round. */
@Entity({ name: 'record_check' })
export class RecordCheckEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'migration_id', type: 'uuid' })
  migrationId: string;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId: string;

  @Column('text')
  category: string;

  @Column('integer')
  round: number;

  @Column('text')
  result: string;

  @Column('boolean')
  missing: boolean;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'checked_by_role', type: 'text' })
  checkedByRole: string;

  @Column({ name: 'checked_by', type: 'text' })
  checkedBy: string;

  @UpdateDateColumn({ name: 'checked_at', type: 'timestamptz' })
  checkedAt: Date;
}

/** An issue logged to the suppliers: raised by a mismatch or by hand, fixed by a supplier, re-checked, closed. */
@Entity({ name: 'data_check_issue' })
export class DataCheckIssueEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'migration_id', type: 'uuid' })
  migrationId: string;

  /** 1, 2, 3… within the migration: what people quote. */
  @Column('integer')
  number: number;

  @Column('text')
  severity: string;

  @Column('text')
  category: string;

  @Column('integer')
  round: number;

  @Column('text')
  status: string;

  @Column('text')
  description: string;

  @Column({ name: 'supplier_reference', type: 'text', nullable: true })
  supplierReference: string | null;

  /** The mismatch that raised it, if any (one issue per mismatched check). */
  @Column({ name: 'record_check_id', type: 'uuid', nullable: true })
  recordCheckId: string | null;

  @Column({ name: 'patient_id', type: 'uuid', nullable: true })
  patientId: string | null;

  @Column({ name: 'raised_by_role', type: 'text' })
  raisedByRole: string;

  @Column({ name: 'raised_by', type: 'text' })
  raisedBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** The clinical lead's signed declaration and the ICB's countersignature: one per migration. */
@Entity({ name: 'sign_off_declaration' })
export class SignOffDeclarationEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'uuid' })
  migrationId: string;

  @Column({ name: 'clinical_lead_name', type: 'text' })
  clinicalLeadName: string;

  /** The declaration text as signed. */
  @Column('text')
  declaration: string;

  /** Numbers of the issues still open when signing, which the clinical lead accepted. */
  @Column({ name: 'accepted_open_issues', type: 'jsonb' })
  acceptedOpenIssues: number[];

  @Column({ name: 'not_migrated', type: 'text', nullable: true })
  notMigrated: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'signed_by', type: 'text' })
  signedBy: string;

  @Column({ name: 'signed_at', type: 'timestamptz' })
  signedAt: Date;

  @Column({ name: 'countersigned_by_name', type: 'text', nullable: true })
  countersignedByName: string | null;

  @Column({ name: 'countersigned_by', type: 'text', nullable: true })
  countersignedBy: string | null;

  @Column({ name: 'countersigned_at', type: 'timestamptz', nullable: true })
  countersignedAt: Date | null;

  @Column({ name: 'countersign_note', type: 'text', nullable: true })
  countersignNote: string | null;
}
