import { Module } from '@nestjs/common';
import { NotificationsModule } from '@idp/notifications';
import { PersistenceModule } from '@idp/persistence';
import { DigestActivities } from './digest.activities';
import { IdpActivities } from './idp.activities';
import { SandboxSupplierActivities } from './sandbox-supplier.activities';

@Module({
  imports: [PersistenceModule, NotificationsModule],
  providers: [IdpActivities, DigestActivities, SandboxSupplierActivities],
  exports: [IdpActivities, DigestActivities, SandboxSupplierActivities],
})
export class ActivitiesModule {}
