import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@idp/domain';
import type { MigrationEntity, OrganisationRole } from '@idp/persistence';
import type { Caller } from '../organisations/organisations.service';

/** The access rule of one route; the one `AccessGuard` enforces it. */
export interface AccessRule {
  /** Organisation roles allowed to call the route at all. */
  organisations?: OrganisationRole[];
  /**
   * The route acts on the migration in `:id`: the caller must take part in it (else 404, so ids of others'
   * migrations are not confirmed), in one of these roles when given (else 403).
   */
  migration?: { roles?: Array<Role | 'operator'> };
  /** The route reports the milestone in `:key`: the caller's role in the migration must own it. */
  milestoneOwner?: boolean;
}

export const ACCESS_RULE = 'idp:access-rule';
export const PUBLIC_ROUTE = 'idp:public';
export const PAGE_ROUTE = 'idp:page';

/** Declares who may call a route. */
export const Access = (rule: AccessRule) => SetMetadata(ACCESS_RULE, rule);
/** A route that needs no API key (health, documentation). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
/** A page for people: no API key; the page's own guard checks the session (see web/pages.ts). */
export const Page = () => SetMetadata(PAGE_ROUTE, true);

/** What the guard established about the caller's part in the migration of the route. */
export interface Participation {
  migration: MigrationEntity;
  /** The caller's role in this migration (`operator` sees every migration and acts in none). */
  role: Role | 'operator';
}

export interface AuthenticatedRequest {
  caller?: Caller;
  participation?: Participation;
}

/** The authenticated caller of the request. */
export const CurrentCaller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Caller => ctx.switchToHttp().getRequest<AuthenticatedRequest>().caller!,
);

/** The caller's participation in the route's migration (routes with an `Access({ migration })` rule). */
export const CurrentParticipation = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Participation =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().participation!,
);

/** The role an organisation plays in a migration, if it takes part in it at all. */
export function roleInMigration(caller: Caller, m: MigrationEntity): Role | 'operator' | undefined {
  switch (caller.role) {
    case 'operator':
      return 'operator';
    case 'icb':
      return m.icbCode === caller.code ? 'icb' : undefined;
    case 'delivery-partner':
      return m.deliveryPartner === caller.code ? 'delivery-partner' : undefined;
    case 'practice':
      return m.practiceOdsCode === caller.code ? 'practice' : undefined;
    case 'supplier':
      if (m.newSupplier === caller.code) return 'new-supplier';
      return m.currentSupplier === caller.code ? 'current-supplier' : undefined;
  }
}
