import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { Participant } from '@idp/domain';
import { NotificationEntity } from '@idp/persistence';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from './channels/channel';
import type { MessageContext } from './message';
import { MESSAGES } from './messages';

export interface DeliveryOutcome {
  delivered: number;
  skipped: number;
  failed: Array<{ recipient: string; error: string }>;
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
  channelFor(to: Participant): NotificationChannel | undefined {
    if (to.notificationPreference === 'none') return undefined;
    const preferred = this.channels.find((c) => c.name === to.notificationPreference && c.canReach(to));
    return preferred ?? this.channels.find((c) => c.canReach(to));
  }

  async send(
    migrationId: string,
    keyPrefix: string,
    contexts: MessageContext[],
    onProgress: () => void = () => undefined,
  ): Promise<DeliveryOutcome> {
    const outcome: DeliveryOutcome = { delivered: 0, skipped: 0, failed: [] };
    for (const [index, ctx] of contexts.entries()) {
      onProgress();
      const channel = this.channelFor(ctx.recipient);
      if (!channel) {
        outcome.skipped += 1;
        continue;
      }
      const message = MESSAGES[ctx.alert.kind].render(ctx);
      const key = `${keyPrefix}:${ctx.recipient.role}:${index}:${channel.name}`;
      await this.outbox
        .createQueryBuilder()
        .insert()
        .values({
          notificationKey: key,
          migrationId,
          kind: ctx.alert.kind,
          channel: channel.name,
          recipientName: ctx.recipient.name,
          recipientRole: ctx.recipient.role,
          recipientAddress: channel.addressOf(ctx.recipient),
          subject: message.subject,
          body: message.text,
          status: 'pending',
        })
        .orIgnore()
        .execute();
      const row = await this.outbox.findOneByOrFail({ notificationKey: key });
      if (row.status === 'sent') {
        outcome.skipped += 1;
        continue;
      }
      try {
        await this.outbox.increment({ id: row.id }, 'attempts', 1);
        await channel.deliver({ ...message, to: ctx.recipient, idempotencyKey: key });
        await this.outbox.update({ id: row.id }, { status: 'sent', sentAt: new Date(), lastError: null });
        outcome.delivered += 1;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        await this.outbox.update({ id: row.id }, { status: 'failed', lastError: reason.slice(0, 1000) });
        this.logger.warn({ msg: 'notification failed', channel: channel.name, key, error: reason });
        outcome.failed.push({ recipient: ctx.recipient.role, error: reason });
      }
    }
    return outcome;
  }
}
