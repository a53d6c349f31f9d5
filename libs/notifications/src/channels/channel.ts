import type { Participant } from '@idp/domain';
import type { RenderedMessage } from '../message';

/** What a message is about, for channels that send structured data (webhooks) or short texts (SMS). */
export interface MessageSubject {
  /** The alert kind, e.g. `reminder`, or `weekly-digest`. */
  kind: string;
  /** Null for messages about no single migration (the weekly digest). */
  migrationId: string | null;
  /** Where the recipient sees more: the migration, or the portfolio. */
  url: string;
  /** ISO instant the step is due by, when the message is about a deadline. */
  dueAt?: string;
}

export interface OutgoingMessage extends RenderedMessage {
  to: Participant;
  /** Unique per message; channels that support it pass it on so the far end can drop a repeat too. */
  idempotencyKey: string;
  about: MessageSubject;
}

/** A way of reaching a person: log, SMTP email, GOV.UK Notify, webhook. */
export interface NotificationChannel {
  /** The participant preference it serves: `email`, `sms`, `webhook`, or `log` for the fallback. */
  readonly name: string;
  /** Whether this channel can reach the participant at all (e.g. email needs an address). */
  canReach(to: Participant, migrationId: string | null): boolean | Promise<boolean>;
  /** Address the message goes to, as stored in the outbox. */
  addressOf(to: Participant, migrationId: string | null): string | null | Promise<string | null>;
  deliver(message: OutgoingMessage): Promise<void>;
}

/**
 * A delivery the far end refused for a reason a retry cannot fix (unknown template, invalid number, bad key):
 * the activity stops retrying and the failure shows on the migration at once.
 */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

export const NOTIFICATION_CHANNELS = Symbol('NOTIFICATION_CHANNELS');
