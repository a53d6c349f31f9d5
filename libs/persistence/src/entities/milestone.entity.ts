import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One milestone of one migration as the workflow last projected it: lets lists filter on overdue work. */
@Entity({ name: 'milestone' })
@Index('milestone_state_due_idx', ['state', 'dueAt'])
export class MilestoneEntity {
  @PrimaryColumn('uuid', { name: 'migration_id' })
  migrationId: string;

  @PrimaryColumn('text')
  key: string;

  @Column('text')
  title: string;

  @Column('text')
  phase: string;

  @Column({ name: 'owner_role', type: 'text' })
  ownerRole: string;

  @Column('text')
  state: string;

  @Column({ type: 'integer' })
  round: number;

  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
