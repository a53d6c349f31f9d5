import { Module } from '@nestjs/common';
import { PersistenceModule } from '@idp/persistence';
import { OidcService } from './oidc.service';
import { SignInLinksService } from './sign-in-links.service';
import { UsersService } from './users.service';

/** People who sign in to the pages, and the two ways they do: an emailed link, or OpenID Connect. */
@Module({
  imports: [PersistenceModule],
  providers: [UsersService, SignInLinksService, OidcService],
  exports: [UsersService, SignInLinksService, OidcService],
})
export class PeopleModule {}
