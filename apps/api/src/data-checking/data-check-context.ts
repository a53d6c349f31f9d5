import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { dataEncryptionKeys, type Environment } from '@idp/config';
import { maskNhsNumber, type IdpStatus, type Role } from '@idp/domain';
import { AuditEventEntity } from '@idp/persistence';
import { FieldCipher } from '@idp/security';
import type { Participation } from '../auth/access';
import { ProblemException, problemType } from '../common/problem';
import { MigrationsService } from '../migrations/migrations.service';
import type { Caller } from '../organisations/organisations.service';

/** Who acted, as the data-checking tables record it. */
export interface DataCheckActor {
  role: Role;
  organisation: string;
  name: string;
}

/** Roles that see patients' NHS numbers in full: the practice owns the records, the new supplier loads them. */
const SEES_NHS_NUMBERS: ReadonlyArray<Role | 'operator'> = ['practice', 'new-supplier'];

/**
 * What every data-checking service needs about a migration: its live process status (round, thresholds), whether
 * it still takes changes, who the caller acts as, NHS number encryption and masking, and the audit trail.
 */
@Injectable()
export class DataCheckContext {
  readonly cipher: FieldCipher;

  constructor(
    private readonly migrations: MigrationsService,
    @InjectRepository(AuditEventEntity) private readonly audit: Repository<AuditEventEntity>,
    config: ConfigService<Environment, true>,
  ) {
    this.cipher = new FieldCipher(...dataEncryptionKeys(config));
  }

  /** The workflow's status (or its last projection); 409 while the migration is still starting. */
  async status(p: Participation): Promise<IdpStatus> {
    const view = await this.migrations.get(p.migration);
    if (!view.process) {
      throw new ProblemException(HttpStatus.CONFLICT, {
        type: problemType('migration-starting'),
        title: 'The migration is still starting',
        detail: 'The migration has no process status yet; try again in a moment.',
        code: 'MigrationStarting',
      });
    }
    return view.process;
  }

  /** Refuses changes to a migration that is signed off or cancelled (409 MigrationClosed). */
  assertOpen(p: Participation, what = 'The data check'): void {
    if (p.migration.status === 'cancelled' || p.migration.status === 'signed-off') {
      throw new ProblemException(HttpStatus.CONFLICT, {
        type: problemType('migration-closed'),
        title: 'The migration is closed',
        detail: `${what} cannot change: this migration has been ${p.migration.status === 'cancelled' ? 'cancelled' : 'signed off'}.`,
        code: 'MigrationClosed',
      });
    }
  }

  /** The caller as the acting party; the access rules of the routes that use this never admit the operator. */
  actor(p: Participation, caller: Caller): DataCheckActor {
    if (p.role === 'operator') {
      throw new ProblemException(HttpStatus.FORBIDDEN, {
        type: problemType('forbidden'),
        title: 'Forbidden',
        detail: 'The operator can read every migration but acts in none.',
      });
    }
    return { role: p.role, organisation: caller.code, name: caller.name };
  }

  /** An NHS number as this participant may see it. */
  showNhsNumber(p: Participation, encrypted: string): { nhsNumber: string; masked: boolean } {
    const plain = this.cipher.decrypt(encrypted);
    return SEES_NHS_NUMBERS.includes(p.role)
      ? { nhsNumber: plain, masked: false }
      : { nhsNumber: maskNhsNumber(plain), masked: true };
  }

  /**
   * Appends to the migration's audit trail (never with patient identifiers). An `eventKey` makes it idempotent:
   * a second event with the same key is not written.
   */
  async record(
    p: Participation,
    actor: DataCheckActor,
    action: string,
    details: Record<string, unknown>,
    options: { manager?: EntityManager; eventKey?: string } = {},
  ): Promise<void> {
    const repo = options.manager ? options.manager.getRepository(AuditEventEntity) : this.audit;
    await repo
      .createQueryBuilder()
      .insert()
      .orIgnore()
      .values({
        eventKey: options.eventKey ?? `data-check:${randomUUID()}`,
        migrationId: p.migration.id,
        occurredAt: new Date(),
        actorRole: actor.role,
        actorOrganisation: actor.organisation,
        actorName: actor.name,
        action,
        details,
      } as QueryDeepPartialEntity<AuditEventEntity>)
      .execute();
  }
}

/** A 4xx problem with a stable code. */
export function refused(status: HttpStatus, code: string, title: string, detail: string): ProblemException {
  return new ProblemException(status, {
    type: problemType(code.replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase())),
    title,
    detail,
    code,
  });
}

/** A 400 naming the field. */
export function invalidField(field: string, message: string): ProblemException {
  return new ProblemException(HttpStatus.BAD_REQUEST, {
    type: problemType('validation'),
    title: 'The request has invalid fields',
    detail: message,
    errors: [{ field, message }],
  });
}

/** True for Postgres's unique violation. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  return e?.code === '23505' || e?.driverError?.code === '23505';
}
