import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dataEncryptionKeys, type Environment } from '@idp/config';
import { PersistenceModule } from '@idp/persistence';
import { FieldCipher } from '@idp/security';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from './channels/channel';
import { EmailChannel } from './channels/email.channel';
import { LogChannel } from './channels/log.channel';
import { NotifyChannel } from './channels/notify.channel';
import { WebhookChannel } from './channels/webhook.channel';
import { NotificationService } from './notification.service';

/** The channels configuration turns on, in the order a participant without a usable preference tries them. */
export function configuredChannels(
  config: ConfigService<Environment, true>,
  db: DataSource,
  log: LogChannel,
): NotificationChannel[] {
  const channels: NotificationChannel[] = [];
  const notify = (templateId: string) => ({
    apiKey: config.getOrThrow('NOTIFY_API_KEY', { infer: true }),
    baseUrl: config.getOrThrow('NOTIFY_BASE_URL', { infer: true }),
    timeoutMs: config.getOrThrow('NOTIFY_TIMEOUT_MS', { infer: true }),
    templateId,
  });
  const smtpUrl = config.get('SMTP_URL', { infer: true });
  if (config.get('EMAIL_PROVIDER', { infer: true }) === 'notify')
    channels.push(new NotifyChannel('email', notify(config.getOrThrow('NOTIFY_EMAIL_TEMPLATE_ID', { infer: true }))));
  else if (smtpUrl)
    channels.push(new EmailChannel({ url: smtpUrl, from: config.getOrThrow('SMTP_FROM', { infer: true }) }));
  const smsTemplate = config.get('NOTIFY_SMS_TEMPLATE_ID', { infer: true });
  if (smsTemplate) channels.push(new NotifyChannel('sms', notify(smsTemplate)));
  channels.push(new WebhookChannel(db, new FieldCipher(...dataEncryptionKeys(config))));
  return [...channels, log];
}

/**
 * Notification channels and the outbox-backed sender. Email goes through SMTP when SMTP_URL is set (`npm start`
 * points it at a local mail catcher) or through GOV.UK Notify with EMAIL_PROVIDER=notify; SMS through Notify when
 * its template is configured; webhooks to organisations that have one. The log channel takes whoever no other
 * channel can reach.
 */
@Module({
  imports: [PersistenceModule],
  providers: [
    LogChannel,
    {
      provide: NOTIFICATION_CHANNELS,
      inject: [ConfigService, getDataSourceToken(), LogChannel],
      useFactory: configuredChannels,
    },
    NotificationService,
  ],
  exports: [NotificationService],
})
export class NotificationsModule {}
