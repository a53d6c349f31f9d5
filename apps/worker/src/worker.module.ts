import { Module } from '@nestjs/common';
import { ActivitiesModule } from '@idp/activities';
import { AppConfigModule, AppLoggingModule } from '@idp/config';
import { TemporalWorkerService } from './temporal-worker.service';

@Module({
  imports: [AppConfigModule.forRoot(), AppLoggingModule, ActivitiesModule],
  providers: [TemporalWorkerService],
})
export class WorkerModule {}
