import { createHash, randomUUID } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { WorkflowIdConflictPolicy } from '@temporalio/client';
import type { Repository } from 'typeorm';
import type { Environment } from '@idp/config';
import {
  compressedPolicy,
  CURRENT_GRAPH_VERSION,
  DEFAULT_POLICY,
  type Actor,
  type IdpStatus,
  type KickoffDetails,
  type Role,
} from '@idp/domain';
import { IdempotencyRecordEntity, MigrationEntity, preparedQuery } from '@idp/persistence';
import type { Caller } from '../organisations/organisations.service';
import { idpWorkflowId, IdpSearchAttributes, TemporalConnectionHolder } from '@idp/temporal';
import { statusQuery, type IdpWorkflowInput } from '@idp/workflows/idp/messages';
import { temporalProblem, unavailableProblem, isUnavailable } from '../common/error-mapping';
import { ProblemException, problemType } from '../common/problem';
import type { KickoffDto } from './dto/kickoff.dto';

export interface KickoffOutcome {
  /** The kickoff created the migration (201) or, for a replay, the key's first request did; else it met it (200). */
  created: boolean;
  /** Answered from an earlier request with the same Idempotency-Key. */
  replayed?: boolean;
  migration: MigrationEntity;
}

/** A migration as the API shows it: the registry row plus the live status when the workflow answers. */
export interface MigrationView {
  id: string;
  workflowId: string;
  practiceOdsCode: string;
  practiceName: string;
  icbCode: string;
  currentSupplier: string;
  newSupplier: string;
  deliveryPartner: string | null;
  plannedGoLive: string;
  forecastGoLive: string;
  status: string;
  stage: string;
  atRisk: boolean;
  createdAt: string;
  /** `workflow`: live from the workflow's query; `read-model`: its last projection (Temporal unreachable). */
  source: 'workflow' | 'read-model';
  process?: IdpStatus;
}

function fingerprint(dto: KickoffDto): string {
  const normalised = {
    practiceOdsCode: dto.practiceOdsCode,
    practiceName: dto.practiceName.trim(),
    icbCode: dto.icbCode,
    currentSupplier: dto.currentSupplier.toUpperCase(),
    newSupplier: dto.newSupplier.toUpperCase(),
    plannedGoLive: dto.plannedGoLive,
    optionalMilestones: [...(dto.optionalMilestones ?? [])].sort(),
    participants: dto.participants ?? [],
    timeScale: dto.timeScale?.workingDayMs ?? null,
    deliveryPartner: dto.deliveryPartner ?? null,
    // Only when given, so kickoffs from before the option keep their fingerprint (and their repeats still match).
    ...(dto.dataCheckThresholds ? { dataCheckThresholds: { ...dto.dataCheckThresholds } } : {}),
  };
  return createHash('sha256').update(JSON.stringify(normalised)).digest('hex');
}

const OPEN = ['starting', 'active', 'paused'];

/** An Idempotency-Key, per organisation. */
interface IdempotencyKey {
  organisationId: string;
  idempotencyKey: string;
}

/** A key whose record names a migration row that was not inserted (the practice had an open one). */
interface ClaimedKey extends IdempotencyKey {
  claimedFor: string;
}

const withoutClaim = ({ organisationId, idempotencyKey }: ClaimedKey): IdempotencyKey => ({
  organisationId,
  idempotencyKey,
});

/**
 * A kickoff in one round trip. With an Idempotency-Key ($18, $19) it first looks for the key's record (with whether
 * the key's first request created its migration, so that a replay answers 201 or 200 as that request did) and, if
 * there is one, changes nothing. Otherwise it claims the key (its record, naming the new row as created by the key)
 * and inserts the registry row only if the claim succeeded: of two concurrent requests with one key, the second
 * waits on the first's claim and then inserts nothing, so a key never leaves a second migration behind. Without a
 * key the row is inserted directly. The only possible conflict of the row is the practice's open migration (the
 * partial unique index; id and workflowId are fresh), which DO NOTHING leaves in place: then the kickoff is its
 * repeat or a conflicting one, decided by the caller, who also settles the key's claim (as not created). Plain SQL:
 * TypeORM's save() would SELECT the id first and wrap the INSERT in a transaction, and its insert builder costs the
 * API more CPU than the round trip itself. Prepared once per connection: planning this statement cost Postgres as
 * much CPU as running it.
 */
const KICKOFF_STATEMENT = `
  WITH prior AS (
    SELECT request_fingerprint, migration_id, created_migration FROM idempotency_record
     WHERE $18::uuid IS NOT NULL AND organisation_id = $18::uuid AND idempotency_key = $19::text
  ), claimed AS (
    INSERT INTO idempotency_record (organisation_id, idempotency_key, request_fingerprint, migration_id,
      created_migration)
    SELECT $18::uuid, $19::text, $14::text, $1::uuid, true
     WHERE $18::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM prior)
    ON CONFLICT DO NOTHING
    RETURNING 1
  ), inserted AS (
    INSERT INTO migration (id, workflow_id, practice_ods_code, practice_name, icb_code, current_supplier, new_supplier,
      delivery_partner, planned_go_live, forecast_go_live, status, stage, graph_version, request_fingerprint,
      created_by, snapshot, revision)
    SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::date, $10::date,
      $11::text, $12::text, $13::int, $14::text, $15::jsonb, $16::jsonb, $17::int
     WHERE $18::uuid IS NULL OR EXISTS (SELECT 1 FROM claimed)
    ON CONFLICT DO NOTHING
    RETURNING id, at_risk, overdue_count, round, created_at, updated_at
  )
  SELECT p.request_fingerprint AS "priorFingerprint", p.migration_id AS "priorMigrationId",
    p.created_migration AS "priorCreated", i.id IS NOT NULL AS created, EXISTS (SELECT 1 FROM claimed) AS claimed,
    i.at_risk AS "atRisk", i.overdue_count AS "overdueCount", i.round, i.created_at AS "createdAt",
    i.updated_at AS "updatedAt"
  FROM (SELECT 1) AS one LEFT JOIN prior p ON true LEFT JOIN inserted i ON true`;

interface KickoffStatementResult {
  priorFingerprint: string | null;
  priorMigrationId: string | null;
  /** The key's first request created the prior record's migration (it is settled to false when it met one). */
  priorCreated: boolean | null;
  created: boolean;
  /** This request's key record was inserted (naming the new row's id). */
  claimed: boolean;
  atRisk: boolean;
  overdueCount: number;
  round: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Kickoff and status of practice migrations: one rule for the API and (later) the pages. */
@Injectable()
export class MigrationsService {
  private readonly logger = new Logger(MigrationsService.name);

  constructor(
    @InjectRepository(MigrationEntity) private readonly migrations: Repository<MigrationEntity>,
    @InjectRepository(IdempotencyRecordEntity) private readonly idempotency: Repository<IdempotencyRecordEntity>,
    private readonly temporal: TemporalConnectionHolder,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  /**
   * Starts a practice's IDP. Postgres guards the business key (one open migration per practice); the
   * workflowId guards the start itself. A repeat of the same kickoff returns the first migration.
   */
  async kickoff(dto: KickoffDto, caller: Caller, idempotencyKey?: string): Promise<KickoffOutcome> {
    // The rule of every way in (API route, kickoff page): only an ICB or its delivery partner starts an IDP.
    if (caller.role !== 'icb' && caller.role !== 'delivery-partner' && caller.role !== 'operator') {
      throw new ProblemException(HttpStatus.FORBIDDEN, {
        type: problemType('forbidden'),
        title: 'Forbidden',
        detail: 'Only an ICB or a delivery partner can kick off a migration.',
      });
    }
    if (caller.role === 'icb' && dto.icbCode !== caller.code) {
      throw new ProblemException(HttpStatus.FORBIDDEN, {
        type: problemType('forbidden'),
        title: 'Forbidden',
        detail: `Your ICB is ${caller.code}; you can kick off migrations of practices in your ICB only (icbCode ${dto.icbCode}).`,
      });
    }
    if (caller.role === 'delivery-partner') {
      if (dto.deliveryPartner && dto.deliveryPartner !== caller.code) {
        throw this.invalid('deliveryPartner', `deliveryPartner must be your own code (${caller.code}) or left out`);
      }
      dto.deliveryPartner = caller.code;
    }
    const actor: Actor = { role: caller.role as Role, organisationId: caller.code, name: caller.name };
    const key = idempotencyKey === undefined ? undefined : { organisationId: caller.organisationId, idempotencyKey };
    return this.kickoffOnce(dto, fingerprint(dto), actor, key);
  }

  private keyReused(key: string): ProblemException {
    return new ProblemException(HttpStatus.CONFLICT, {
      type: problemType('idempotency-key-reused'),
      title: 'Idempotency-Key already used',
      detail: `The Idempotency-Key ${key} was used for a different kickoff; use a new key for a new request.`,
      code: 'IdempotencyKeyReused',
    });
  }

  /** Other kickoffs for the practice or with the key kept changing what this one found, three times over. */
  private contended(practiceOdsCode: string): ProblemException {
    return new ProblemException(HttpStatus.CONFLICT, {
      type: problemType('kickoff-contended'),
      title: 'Another kickoff is under way',
      detail: `Other kickoffs for practice ${practiceOdsCode} (or with this Idempotency-Key) are being made at this moment; try again.`,
      code: 'KickoffContended',
    });
  }

  private async kickoffOnce(
    dto: KickoffDto,
    print: string,
    actor: Actor,
    key: IdempotencyKey | undefined,
    attempt = 1,
  ): Promise<KickoffOutcome> {
    if (dto.currentSupplier.toUpperCase() === dto.newSupplier.toUpperCase()) {
      throw this.invalid('newSupplier', 'newSupplier must differ from currentSupplier');
    }
    if (dto.timeScale && !this.config.get('ALLOW_COMPRESSED_TIME', { infer: true })) {
      throw this.invalid(
        'timeScale',
        'timeScale is accepted only on demo and test installations (ALLOW_COMPRESSED_TIME=true); remove it',
      );
    }
    const id = randomUUID();
    const candidate = Object.assign(new MigrationEntity(), {
      id,
      workflowId: idpWorkflowId(id),
      practiceOdsCode: dto.practiceOdsCode,
      practiceName: dto.practiceName.trim(),
      icbCode: dto.icbCode,
      currentSupplier: dto.currentSupplier.toUpperCase(),
      newSupplier: dto.newSupplier.toUpperCase(),
      deliveryPartner: dto.deliveryPartner ?? null,
      plannedGoLive: dto.plannedGoLive,
      forecastGoLive: dto.plannedGoLive,
      status: 'starting',
      stage: 'preparing',
      graphVersion: CURRENT_GRAPH_VERSION,
      requestFingerprint: print,
      createdBy: { role: actor.role, organisationId: actor.organisationId },
      snapshot: null,
      revision: 0,
    });
    const [result] = await preparedQuery<KickoffStatementResult>(
      this.migrations.manager,
      'idp-kickoff',
      KICKOFF_STATEMENT,
      [
        candidate.id,
        candidate.workflowId,
        candidate.practiceOdsCode,
        candidate.practiceName,
        candidate.icbCode,
        candidate.currentSupplier,
        candidate.newSupplier,
        candidate.deliveryPartner,
        candidate.plannedGoLive,
        candidate.forecastGoLive,
        candidate.status,
        candidate.stage,
        candidate.graphVersion,
        candidate.requestFingerprint,
        JSON.stringify(candidate.createdBy),
        candidate.snapshot,
        candidate.revision,
        key?.organisationId ?? null,
        key?.idempotencyKey ?? null,
      ],
    );
    if (key && result.priorMigrationId) {
      if (result.priorFingerprint !== print) throw this.keyReused(key.idempotencyKey);
      const migration = await this.migrations.findOneBy({ id: result.priorMigrationId });
      if (migration) {
        // The key is recorded with the row, before the workflow starts: a start that failed then is made now.
        if (migration.status === 'starting') await this.startWorkflow(migration, dto, actor);
        return { created: result.priorCreated === true, replayed: true, migration };
      }
      // The key's kickoff met the practice's open migration and has not (or never) settled its claim yet.
      return this.answerFromOpen(dto, print, actor, { ...key, claimedFor: result.priorMigrationId }, attempt, true);
    }
    if (key && !result.claimed) {
      // Another request claimed this key between our read and our insert: this is its repeat or a reuse of its key.
      if (attempt < 3) return this.kickoffOnce(dto, print, actor, key, attempt + 1);
      throw this.contended(dto.practiceOdsCode);
    }
    const { created, atRisk, overdueCount, round, createdAt, updatedAt } = result;
    if (!created) return this.answerFromOpen(dto, print, actor, key && { ...key, claimedFor: id }, attempt, false);
    const row = Object.assign(candidate, { atRisk, overdueCount, round, createdAt, updatedAt });
    await this.startWorkflow(row, dto, actor);
    return { created, migration: row };
  }

  /**
   * The kickoff found the practice's open migration in its way: a repeat of it (same details) is answered with it,
   * anything else is refused. A key claimed for the row that was never inserted is pointed at the open migration
   * (a repeat), or released (a refusal) so that it does not name a migration that does not exist.
   */
  private async answerFromOpen(
    dto: KickoffDto,
    print: string,
    actor: Actor,
    claim: ClaimedKey | undefined,
    attempt: number,
    replayed: boolean,
  ): Promise<KickoffOutcome> {
    const row = await this.findOpen(dto.practiceOdsCode);
    if (!row || row.requestFingerprint !== print) {
      if (claim) await this.settleClaim(claim, null);
      if (!row) {
        // The open migration that blocked the insert closed in the meantime: the practice is free again.
        if (attempt < 3) return this.kickoffOnce(dto, print, actor, claim && withoutClaim(claim), attempt + 1);
        throw this.contended(dto.practiceOdsCode);
      }
      throw new ProblemException(HttpStatus.CONFLICT, {
        type: problemType('practice-has-open-migration'),
        title: 'This practice already has a migration in progress',
        detail: `Practice ${dto.practiceOdsCode} already has an open migration (${row.id}) with different details. Change it with PATCH /v1/migrations/${row.id}/plan, or cancel it first.`,
        code: 'PracticeHasOpenMigration',
      });
    }
    if (claim) await this.settleClaim(claim, row.id);
    if (row.status === 'starting') await this.startWorkflow(row, dto, actor);
    return { created: false, replayed, migration: row };
  }

  /**
   * Points a key claimed for a row that was never inserted at `migrationId` (which the key did not create, so its
   * replays answer 200 as its first request did), or deletes it (null).
   */
  private async settleClaim(claim: ClaimedKey, migrationId: string | null): Promise<void> {
    const where = [claim.organisationId, claim.idempotencyKey, claim.claimedFor];
    // Only while it still names the missing row: a concurrent request with this key may have settled it already.
    if (migrationId === null)
      await this.idempotency.query(
        `DELETE FROM idempotency_record WHERE organisation_id = $1 AND idempotency_key = $2 AND migration_id = $3`,
        where,
      );
    else
      await this.idempotency.query(
        `UPDATE idempotency_record SET migration_id = $4, created_migration = false
          WHERE organisation_id = $1 AND idempotency_key = $2 AND migration_id = $3`,
        [...where, migrationId],
      );
  }

  private async startWorkflow(row: MigrationEntity, dto: KickoffDto, actor: Actor): Promise<void> {
    const kickoff: KickoffDetails = {
      migrationId: row.id,
      practiceOdsCode: row.practiceOdsCode,
      practiceName: row.practiceName,
      icbCode: row.icbCode,
      currentSupplier: row.currentSupplier,
      newSupplier: row.newSupplier,
      plannedGoLive: row.plannedGoLive,
      optionalMilestones: dto.optionalMilestones,
      participants: (dto.participants ?? []).map((p) => ({ ...p })),
      kickedOffBy: actor,
    };
    const input: IdpWorkflowInput = {
      kickoff,
      policy: {
        ...(dto.timeScale ? compressedPolicy(dto.timeScale.workingDayMs) : DEFAULT_POLICY),
        ...(dto.dataCheckThresholds ? { dataCheckThresholds: { ...dto.dataCheckThresholds } } : {}),
      },
      graphVersion: row.graphVersion,
    };
    try {
      await this.temporal.withDeadline(() =>
        this.temporal.client.workflow.start('idp', {
          workflowId: row.workflowId,
          taskQueue: this.temporal.taskQueue,
          args: [input],
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          typedSearchAttributes: [
            { key: IdpSearchAttributes.icbCode, value: row.icbCode },
            { key: IdpSearchAttributes.practiceOdsCode, value: row.practiceOdsCode },
            { key: IdpSearchAttributes.stage, value: 'preparing' },
          ],
        }),
      );
    } catch (error) {
      if (isUnavailable(error)) {
        this.logger.warn({
          msg: 'kickoff registered but Temporal unreachable; a retry of the same kickoff starts it',
          migrationId: row.id,
        });
        throw unavailableProblem('The workflow engine (Temporal)');
      }
      throw error;
    }
  }

  /** A migration with its live process status (or the last projection when Temporal is unreachable). */
  async get(row: MigrationEntity): Promise<MigrationView> {
    try {
      const handle = this.temporal.client.workflow.getHandle(row.workflowId);
      const status = await this.temporal.withDeadline(() => handle.query(statusQuery, Date.now()));
      return this.view(row, 'workflow', status);
    } catch (error) {
      if ((error as Error)?.name === 'WorkflowNotFoundError' || isUnavailable(error)) {
        return this.view(row, 'read-model', (row.snapshot as unknown as IdpStatus) ?? undefined);
      }
      throw temporalProblem(error);
    }
  }

  private view(row: MigrationEntity, source: MigrationView['source'], process?: IdpStatus): MigrationView {
    return {
      id: row.id,
      workflowId: row.workflowId,
      practiceOdsCode: row.practiceOdsCode,
      practiceName: row.practiceName,
      icbCode: row.icbCode,
      currentSupplier: row.currentSupplier,
      newSupplier: row.newSupplier,
      deliveryPartner: row.deliveryPartner,
      plannedGoLive: process?.plannedGoLive ?? row.plannedGoLive,
      forecastGoLive: process?.forecastGoLive ?? row.forecastGoLive,
      status: process?.status ?? row.status,
      stage: process?.stage ?? row.stage,
      atRisk: process?.atRisk ?? row.atRisk,
      createdAt: row.createdAt.toISOString(),
      source,
      process,
    };
  }

  private findOpen(practiceOdsCode: string): Promise<MigrationEntity | null> {
    return this.migrations
      .createQueryBuilder('m')
      .where('m.practice_ods_code = :practiceOdsCode', { practiceOdsCode })
      .andWhere('m.status IN (:...open)', { open: OPEN })
      .getOne();
  }

  private invalid(field: string, message: string): ProblemException {
    return new ProblemException(HttpStatus.BAD_REQUEST, {
      type: problemType('validation'),
      title: 'The request has invalid fields',
      detail: message,
      errors: [{ field, message }],
    });
  }
}
