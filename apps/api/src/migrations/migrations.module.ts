import { Module } from '@nestjs/common';
import { PersistenceModule } from '@idp/persistence';
import { MigrationsController } from './migrations.controller';
import { MigrationsService } from './migrations.service';
import { PortfolioService } from './portfolio.service';
import { ProcessCommandsService } from './process-commands.service';

@Module({
  imports: [PersistenceModule],
  controllers: [MigrationsController],
  providers: [MigrationsService, PortfolioService, ProcessCommandsService],
  exports: [MigrationsService, PortfolioService, ProcessCommandsService],
})
export class MigrationsModule {}
