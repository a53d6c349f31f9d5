import { Module } from '@nestjs/common';
import { NotificationsModule } from '@idp/notifications';
import { PersistenceModule } from '@idp/persistence';
import { IdpActivities } from './idp.activities';

@Module({
  imports: [PersistenceModule, NotificationsModule],
  providers: [IdpActivities],
  exports: [IdpActivities],
})
export class ActivitiesModule {}
