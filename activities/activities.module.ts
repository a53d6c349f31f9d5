import { Module } from '@nestjs/common';
import { NotificationsModule } from '@idp/notifications';
import { PersistenceModule } from '@idp/persistence';
import { DigestActivities } from './digest.activities';
import { IdpActivities } from './idp.activities';

@Module({
  imports: [PersistenceModule, NotificationsModule],
  providers: [IdpActivities, DigestActivities],
  exports: [IdpActivities, DigestActivities],
})
export class ActivitiesModule {}
