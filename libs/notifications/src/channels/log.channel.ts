import { Injectable, Logger } from '@nestjs/common';
import type { Participant } from '@idp/domain';
import type { NotificationChannel, OutgoingMessage } from './channel';

/** Development channel: writes the message's subject to the log (never contact details or bodies). */
@Injectable()
export class LogChannel implements NotificationChannel {
  readonly name = 'log';
  private readonly logger = new Logger('notifications');

  canReach(): boolean {
    return true;
  }

  addressOf(to: Participant): string | null {
    void to;
    return null;
  }

  async deliver(message: OutgoingMessage): Promise<void> {
    this.logger.log({
      msg: 'notification delivered',
      channel: this.name,
      role: message.to.role,
      subject: message.subject,
      key: message.idempotencyKey,
    });
  }
}
