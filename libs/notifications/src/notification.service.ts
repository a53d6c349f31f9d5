import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DELIVERY_LIMIT_MS, NOTIFY_HEARTBEAT_TIMEOUT_MS, type Participant } from '@idp/domain';
import { NotificationEntity } from '@idp/persistence';
import {
  NOTIFICATION_CHANNELS,
  PermanentDeliveryError,
  type MessageSubject,
  type NotificationChannel,
} from './channels/channel';
import type { MessageContext, RenderedMessage } from './message';
import { MESSAGES } from './messages';

export interface DeliveryOutcome {
  delivered: number;
  skipped: number;
  /** `permanent`: the far end refused for a reason a retry cannot fix. */
  failed: Array<{ recipient: string; error: string; permanent: boolean }>;
}

type Delivery = 'delivered' | 'skipped' | { error: string; permanent: boolean };

/** Several times within the notify activity's heartbeat timeout. */
const PROGRESS_EVERY_MS = NOTIFY_HEARTBEAT_TIMEOUT_MS / 5;

/**
 * Waits for one delivery, reporting progress every few seconds meanwhile, for at most `limitMs`. A slow channel
 * then fails by its own timeout, or at the latest by the delivery limit, as a retryable delivery error: never by
 * the notify activity's heartbeat or start-to-close timeout, after which Temporal would retry while this call may
 * still be sending. The limit also bounds a channel whose own timeouts only watch an idle connection, so the
 * activity's start-to-close timeout can be derived from it. A call given up on may go through all the same (as a
 * Notify call cut by its timeout may); its retry carries the same key.
 */
export async function deliveringWithin<T>(work: Promise<T>, limitMs: number, onProgress: () => void): Promise<T> {
  const progress = setInterval(onProgress, PROGRESS_EVERY_MS);
  let limit: NodeJS.Timeout | undefined;
  const givenUp = new Promise<never>((_, reject) => {
    limit = setTimeout(
      () => reject(new Error(`the delivery did not finish within ${limitMs / 1000} s; it is retried`)),
      limitMs,
    );
  });
  try {
    return await Promise.race([work, givenUp]);
  } finally {
    clearInterval(progress);
    clearTimeout(limit);
  }
}

/** How the calling activity follows a send: its heartbeat, and its cancellation (timed out, worker shutting down). */
export interface SendAttempt {
  onProgress?: () => void;
  cancelled?: AbortSignal;
}

/**
 * Sends a process alert to its recipients through the outbox: each message is recorded under its unique key
 * first, then delivered, then marked sent. A message already marked sent is never delivered again.
 */
@Injectable()
export class NotificationService {
  private readonly logger = new Logger(NotificationService.name);

  constructor(
    @InjectRepository(NotificationEntity) private readonly outbox: Repository<NotificationEntity>,
    @Inject(NOTIFICATION_CHANNELS) private readonly channels: NotificationChannel[],
  ) {}

  /** The channel for a participant: their preference when it can reach them, else the first that can. */
  async channelFor(to: Participant, migrationId: string | null): Promise<NotificationChannel | undefined> {
    if (to.notificationPreference === 'none') return undefined;
    const preferred = this.channels.find((c) => c.name === to.notificationPreference);
    if (preferred && (await preferred.canReach(to, migrationId))) return preferred;
    for (const channel of this.channels) if (await channel.canReach(to, migrationId)) return channel;
    return undefined;
  }

  async send(
    migrationId: string,
    keyPrefix: string,
    contexts: MessageContext[],
    { onProgress = () => undefined, cancelled }: SendAttempt = {},
  ): Promise<DeliveryOutcome> {
    const outcome: DeliveryOutcome = { delivered: 0, skipped: 0, failed: [] };
    for (const [index, ctx] of contexts.entries()) {
      // An attempt Temporal has given up on (its worker stalled past the heartbeat timeout, or is shutting down) stops
      // before its next recipient instead of racing its retry through the rest; the delivery in flight is finished
      // and recorded first.
      cancelled?.throwIfAborted();
      onProgress();
      const channel = await this.channelFor(ctx.recipient, migrationId);
      if (!channel) {
        outcome.skipped += 1;
        continue;
      }
      const about: MessageSubject = {
        kind: ctx.alert.kind,
        migrationId,
        url: ctx.migrationUrl,
        dueAt: ctx.alert.dueAt === undefined ? undefined : new Date(ctx.alert.dueAt).toISOString(),
      };
      const key = `${keyPrefix}:${ctx.recipient.role}:${index}:${channel.name}`;
      const result = await this.deliverOnce(
        key,
        channel,
        ctx.recipient,
        MESSAGES[ctx.alert.kind].render(ctx),
        about,
        onProgress,
      );
      if (result === 'delivered') outcome.delivered += 1;
      else if (result === 'skipped') outcome.skipped += 1;
      else outcome.failed.push({ recipient: ctx.recipient.role, ...result });
    }
    return outcome;
  }

  /**
   * One email about no single migration (the weekly digest), through the outbox under `key`: a repeat with the
   * same key sends nothing. Throws when it cannot be delivered, so the calling activity retries.
   */
  async sendEmail(
    key: string,
    to: Participant,
    message: RenderedMessage,
    about: MessageSubject,
  ): Promise<'delivered' | 'skipped'> {
    const channel = this.channels.find((c) => c.name === 'email');
    if (!channel || !(await channel.canReach(to, null)))
      throw new PermanentDeliveryError('no email channel can reach this recipient (is SMTP_URL set?)');
    const result = await this.deliverOnce(key, channel, to, message, about);
    if (typeof result === 'object')
      throw result.permanent ? new PermanentDeliveryError(result.error) : new Error(result.error);
    return result;
  }

  private async deliverOnce(
    key: string,
    channel: NotificationChannel,
    to: Participant,
    message: RenderedMessage,
    about: MessageSubject,
    onProgress: () => void = () => undefined,
  ): Promise<Delivery> {
    await this.outbox
      .createQueryBuilder()
      .insert()
      .values({
        notificationKey: key,
        migrationId: about.migrationId,
        kind: about.kind,
        channel: channel.name,
        recipientName: to.name,
        recipientRole: to.role,
        recipientAddress: await channel.addressOf(to, about.migrationId),
        subject: message.subject,
        body: message.text,
        status: 'pending',
      })
      .orIgnore()
      .execute();
    const row = await this.outbox.findOneByOrFail({ notificationKey: key });
    if (row.status === 'sent') return 'skipped';
    try {
      await this.outbox.increment({ id: row.id }, 'attempts', 1);
      await deliveringWithin(
        channel.deliver({ ...message, to, idempotencyKey: key, about }),
        DELIVERY_LIMIT_MS,
        onProgress,
      );
      await this.outbox.update({ id: row.id }, { status: 'sent', sentAt: new Date(), lastError: null });
      return 'delivered';
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.outbox.update({ id: row.id }, { status: 'failed', lastError: reason.slice(0, 1000) });
      this.logger.warn({ msg: 'notification failed', channel: channel.name, key, error: reason });
      return { error: reason, permanent: error instanceof PermanentDeliveryError };
    }
  }
}
