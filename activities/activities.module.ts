import { Module } from '@nestjs/common';
import { NotificationsModule } from '@idp/notifications';
import { PersistenceModule } from '@idp/persistence';
import { IdpActivities } from './idp.activities';
import { SandboxSupplierActivities } from './sandbox-supplier.activities';

@Module({
  imports: [PersistenceModule, NotificationsModule],
  providers: [IdpActivities, SandboxSupplierActivities],
  exports: [IdpActivities, SandboxSupplierActivities],
})
export class ActivitiesModule {}
