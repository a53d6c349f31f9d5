import { Module } from '@nestjs/common';
import { AppConfigModule } from '@idp/config';
import { PersistenceModule } from '@idp/persistence';
import { OrganisationsService } from '../organisations/organisations.service';
import { UsersService } from '../people/users.service';

/** What the admin command needs: configuration, the database, the organisations and users services. */
@Module({ imports: [AppConfigModule.forRoot(), PersistenceModule], providers: [OrganisationsService, UsersService] })
export class AdminModule {}
