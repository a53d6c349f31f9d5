import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '@idp/config';
import { PersistenceModule } from '@idp/persistence';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from './channels/channel';
import { EmailChannel } from './channels/email.channel';
import { LogChannel } from './channels/log.channel';
import { NotificationService } from './notification.service';

/**
 * Notification channels and the outbox-backed sender. Email goes out when SMTP_URL is set (`npm start` points it
 * at a local mail catcher); the log channel takes whoever no other channel can reach.
 */
@Module({
  imports: [PersistenceModule],
  providers: [
    LogChannel,
    {
      provide: NOTIFICATION_CHANNELS,
      inject: [ConfigService, LogChannel],
      useFactory: (config: ConfigService<Environment, true>, log: LogChannel): NotificationChannel[] => {
        const smtpUrl = config.get('SMTP_URL', { infer: true });
        const channels: NotificationChannel[] = [];
        if (smtpUrl)
          channels.push(new EmailChannel({ url: smtpUrl, from: config.getOrThrow('SMTP_FROM', { infer: true }) }));
        return [...channels, log];
      },
    },
    NotificationService,
  ],
  exports: [NotificationService],
})
export class NotificationsModule {}
