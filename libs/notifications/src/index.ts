export * from './message';
export * from './messages';
export * from './channels/channel';
export * from './channels/log.channel';
export * from './channels/email.channel';
export * from './notification.service';
export * from './notifications.module';
