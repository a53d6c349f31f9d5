import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The notification outbox: a message is recorded under its unique key before it is delivered, so a retried
 * activity or a restarted worker finds it and never delivers it twice.
 */
@Entity({ name: 'notification' })
@Index('notification_migration_idx', ['migrationId', 'id'])
export class NotificationEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ name: 'notification_key', type: 'text', unique: true })
  notificationKey: string;

  /** Null for messages about no single migration (the weekly digest). */
  @Column({ name: 'migration_id', type: 'uuid', nullable: true })
  migrationId: string | null;

  @Column('text')
  kind: string;

  @Column('text')
  channel: string;

  @Column({ name: 'recipient_name', type: 'text' })
  recipientName: string;

  @Column({ name: 'recipient_role', type: 'text' })
  recipientRole: string;

  /** Email address, phone number or webhook URL: staff contact details, never patient data. */
  @Column({ name: 'recipient_address', type: 'text', nullable: true })
  recipientAddress: string | null;

  @Column('text')
  subject: string;

  @Column('text')
  body: string;

  /** pending → sent, or failed after the channel kept refusing. */
  @Column('text')
  status: string;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
