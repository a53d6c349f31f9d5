import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { Participant } from '@idp/domain';
import type { NotificationChannel, OutgoingMessage } from './channel';

export interface EmailSettings {
  /** smtp://user:password@host:port (or smtps://); the embedded default is the local mail catcher. */
  url: string;
  from: string;
}

/**
 * nodemailer waits up to two minutes to connect and ten for an idle socket by default, beyond the sender's limit for
 * one delivery (DELIVERY_LIMIT_MS): these end an unresponsive server's call well before it, with nodemailer's own
 * error, and close its connection rather than leave it sending after the sender gave up.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** Email through SMTP (nodemailer), plain text with an HTML alternative. */
@Injectable()
export class EmailChannel implements NotificationChannel, OnModuleDestroy {
  readonly name = 'email';
  private readonly transport: Transporter;

  constructor(private readonly settings: EmailSettings) {
    this.transport = createTransport({ url: settings.url, ...SMTP_TIMEOUTS }, { from: settings.from });
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
