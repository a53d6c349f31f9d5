import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { Participant } from '@idp/domain';
import type { NotificationChannel, OutgoingMessage } from './channel';

export interface EmailSettings {
  /** smtp://user:password@host:port (or smtps://); the embedded default is the local mail catcher. */
  url: string;
  from: string;
}

/** Email through SMTP (nodemailer), plain text with an HTML alternative. */
@Injectable()
export class EmailChannel implements NotificationChannel, OnModuleDestroy {
  readonly name = 'email';
  private readonly transport: Transporter;

  constructor(private readonly settings: EmailSettings) {
    this.transport = createTransport(settings.url, { from: settings.from });
  }

  canReach(to: Participant): boolean {
    return !!to.email;
  }

  addressOf(to: Participant): string | null {
    return to.email ?? null;
  }

  async deliver(message: OutgoingMessage): Promise<void> {
    await this.transport.sendMail({
      to: { name: message.to.name, address: message.to.email! },
      subject: message.subject,
      text: message.text,
      html: message.html,
      // The outbox key travels with the message: a receiving system can drop a repeat too.
      headers: { 'X-IDP-Notification-Key': message.idempotencyKey },
      attachments: message.attachments?.map((a) => ({
        filename: a.filename,
        content: a.content,
        contentType: a.contentType,
      })),
    });
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}
