import { Module } from '@nestjs/common';
import { AppConfigModule } from '@idp/config';
import { PersistenceModule } from '@idp/persistence';
import { OrganisationsService } from '../organisations/organisations.service';

/** What the admin command needs: configuration, the database and the organisations service. */
@Module({ imports: [AppConfigModule.forRoot(), PersistenceModule], providers: [OrganisationsService] })
export class AdminModule {}
