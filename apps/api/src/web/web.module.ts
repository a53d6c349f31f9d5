import { Module } from '@nestjs/common';
import { PersistenceModule } from '@idp/persistence';
import { DataCheckingModule } from '../data-checking/data-checking.module';
import { MigrationsModule } from '../migrations/migrations.module';
import { PeopleModule } from '../people/people.module';
import { DataCheckingPageController } from './data-checking-page.controller';
import { MigrationPageController } from './migration-page.controller';
import { PortfolioController } from './portfolio.controller';
import { PracticeController } from './practice.controller';
import { SignInController } from './sign-in.controller';
import { SupplierController } from './supplier.controller';

/** Server-rendered pages for people: the same services as the API behind a session instead of an API key. */
@Module({
  imports: [PersistenceModule, MigrationsModule, PeopleModule, DataCheckingModule],
  controllers: [
    SignInController,
    PortfolioController,
    MigrationPageController,
    DataCheckingPageController,
    PracticeController,
    SupplierController,
  ],
})
export class WebModule {}
