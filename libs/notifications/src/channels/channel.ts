import type { Participant } from '@idp/domain';
import type { RenderedMessage } from '../message';

export interface OutgoingMessage extends RenderedMessage {
  to: Participant;
  /** Unique per message; channels that support it pass it on so the far end can drop a repeat too. */
  idempotencyKey: string;
}

/** A way of reaching a person: log, SMTP email, GOV.UK Notify, webhook. */
export interface NotificationChannel {
  readonly name: string;
  /** Whether this channel can reach the participant at all (e.g. email needs an address). */
  canReach(to: Participant): boolean;
  /** Address the message goes to, as stored in the outbox. */
  addressOf(to: Participant): string | null;
  deliver(message: OutgoingMessage): Promise<void>;
}

export const NOTIFICATION_CHANNELS = Symbol('NOTIFICATION_CHANNELS');
