import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only audit trail: who did what to which migration, when. `event_key` makes every write idempotent. */
@Entity({ name: 'audit_event' })
@Index('audit_event_migration_idx', ['migrationId', 'id'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ name: 'event_key', type: 'text', unique: true })
  eventKey: string;

  @Column({ name: 'migration_id', type: 'uuid' })
  migrationId: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'actor_role', type: 'text' })
  actorRole: string;

  @Column({ name: 'actor_organisation', type: 'text' })
  actorOrganisation: string;

  @Column({ name: 'actor_name', type: 'text', nullable: true })
  actorName: string | null;

  @Column('text')
  action: string;

  @Column({ type: 'jsonb', default: {} })
  details: Record<string, unknown>;
}
