import { Module } from '@nestjs/common';
import { AppConfigModule } from '@idp/config';
import { AdminPersistenceModule } from '@idp/persistence';
import { OrganisationsService } from '../organisations/organisations.service';
import { UsersService } from '../people/users.service';
import { DataKeyService } from '../data-key/data-key.service';

/**
 * What the admin command needs: configuration, the database (with no time limit per statement, unlike the API's),
 * the organisations, users and data key services.
 */
@Module({
  imports: [AppConfigModule.forRoot(), AdminPersistenceModule],
  providers: [OrganisationsService, UsersService, DataKeyService],
})
export class AdminModule {}
