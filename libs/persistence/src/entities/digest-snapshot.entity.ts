import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The forecast go-live of a migration as an organisation's last weekly digest reported it: the next digest lists
 * the migrations whose forecast has moved since.
 */
@Entity({ name: 'digest_snapshot' })
export class DigestSnapshotEntity {
  @PrimaryColumn('uuid', { name: 'organisation_id' })
  organisationId: string;

  @PrimaryColumn('uuid', { name: 'migration_id' })
  migrationId: string;

  @Column({ name: 'forecast_go_live', type: 'date' })
  forecastGoLive: string;

  /** The schedule run (workflow id) of the digest that recorded it. */
  @Column({ name: 'digest_run', type: 'text' })
  digestRun: string;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;
}
