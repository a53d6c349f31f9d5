import { HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import type { Repository } from 'typeorm';
import { graphFor } from '@idp/domain';
import { MigrationEntity } from '@idp/persistence';
import { ProblemException, problemType } from '../common/problem';
import { OrganisationsService } from '../organisations/organisations.service';
import {
  ACCESS_RULE,
  PAGE_ROUTE,
  PUBLIC_ROUTE,
  roleInMigration,
  type AccessRule,
  type AuthenticatedRequest,
} from './access';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const notFound = (id: string) =>
  new ProblemException(HttpStatus.NOT_FOUND, {
    type: problemType('not-found'),
    title: 'Migration not found',
    detail: `There is no migration ${id}.`,
  });
const forbidden = (detail: string) =>
  new ProblemException(HttpStatus.FORBIDDEN, { type: problemType('forbidden'), title: 'Forbidden', detail });

/**
 * The one place access is decided: authenticates the bearer API key, then applies the route's `@Access` rule
 * (organisation role, participation in the migration, ownership of the milestone). Handlers check nothing.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly organisations: OrganisationsService,
    @InjectRepository(MigrationEntity) private readonly migrations: Repository<MigrationEntity>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    // One rule: API routes take API keys here; pages take a person's session in their own guard.
    if (this.reflector.getAllAndOverride<boolean>(PAGE_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const header = req.headers.authorization;
    const presented = typeof header === 'string' && /^Bearer \S+$/i.test(header) ? header.slice(7).trim() : undefined;
    const caller = presented ? await this.organisations.authenticate(presented) : undefined;
    if (!caller) {
      throw new ProblemException(HttpStatus.UNAUTHORIZED, {
        type: problemType('unauthorised'),
        title: 'Unauthorised',
        detail: presented
          ? 'The API key is not valid or has been revoked.'
          : 'Send an API key as `Authorization: Bearer <key>`.',
      });
    }
    req.caller = caller;

    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, targets) ?? {};
    if (rule.organisations && !rule.organisations.includes(caller.role)) {
      throw forbidden(
        `This action is for ${rule.organisations.join(' or ')} organisations; yours is a ${caller.role}.`,
      );
    }
    if (!rule.migration) return true;

    const id = String(req.params.id ?? '');
    if (!UUID.test(id)) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, {
        type: problemType('validation'),
        title: 'The request has invalid fields',
        detail: 'The migration id must be a UUID.',
        errors: [{ field: 'id', message: 'id must be a UUID' }],
      });
    }
    const migration = await this.migrations.findOneBy({ id });
    const role = migration ? roleInMigration(caller, migration) : undefined;
    if (!migration || !role) throw notFound(id);
    if (rule.migration.roles && !rule.migration.roles.includes(role)) {
      throw forbidden(
        `In this migration your organisation is the ${role}; this action is for the ${rule.migration.roles.join(' or ')}.`,
      );
    }
    if (rule.milestoneOwner) {
      const def = graphFor(migration.graphVersion).milestones.find((m) => m.key === String(req.params.key));
      if (!def) {
        throw new ProblemException(HttpStatus.NOT_FOUND, {
          type: problemType('unknown-milestone'),
          title: 'Unknown milestone',
          detail: `There is no milestone called ${req.params.key}; see GET /v1/migrations/${id} for the list.`,
          code: 'UnknownMilestone',
        });
      }
      if (role !== def.owner && !(def.alsoReportableBy ?? []).includes(role as never)) {
        throw forbidden(
          `${def.key} is reported by the ${[def.owner, ...(def.alsoReportableBy ?? [])].join(' or ')}; in this migration you are the ${role}.`,
        );
      }
    }
    req.participation = { migration, role };
    return true;
  }
}
