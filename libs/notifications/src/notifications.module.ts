import { Module } from '@nestjs/common';
import { PersistenceModule } from '@idp/persistence';
import { NOTIFICATION_CHANNELS } from './channels/channel';
import { LogChannel } from './channels/log.channel';
import { NotificationService } from './notification.service';

/** Notification channels and the outbox-backed sender. Real channels (SMTP, GOV.UK Notify, webhooks) plug in here. */
@Module({
  imports: [PersistenceModule],
  providers: [
    LogChannel,
    { provide: NOTIFICATION_CHANNELS, useFactory: (log: LogChannel) => [log], inject: [LogChannel] },
    NotificationService,
  ],
  exports: [NotificationService],
})
export class NotificationsModule {}
