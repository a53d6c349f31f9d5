import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, type Repository } from 'typeorm';
import { DataCheckIssueEntity, SignOffDeclarationEntity } from '@idp/persistence';
import type { Participation } from '../auth/access';
import { ProblemException, problemType } from '../common/problem';
import { ProcessCommandsService } from '../migrations/process-commands.service';
import type { Caller } from '../organisations/organisations.service';
import { DataCheckContext, refused } from './data-check-context';
import type { CountersignDto, SignOffDeclarationDto } from './dto/requests.dto';

export interface SignatureView {
  name: string;
  organisation: string;
  signedAt: string;
  note: string | null;
}

export interface SignOffView {
  clinicalLead: SignatureView;
  declaration: string;
  notMigrated: string | null;
  acceptedOpenIssues: number[];
  countersignature: SignatureView | null;
}

/** The words the clinical lead signs, naming what they accept. */
export function declarationText(name: string, practice: string, openIssues: number[], notMigrated?: string): string {
  const issues = openIssues.length
    ? `the ${openIssues.length} issue${openIssues.length === 1 ? '' : 's'} still open (${openIssues.map((n) => `#${n}`).join(', ')})`
    : 'that no issue is open';
  const cannot = notMigrated?.trim() ? `: ${notMigrated.trim()}` : '';
  return (
    `I, ${name}, clinical lead of ${practice}, have reviewed the checks of the test system against the current system. ` +
    `I understand what cannot be migrated${cannot}; I accept ${issues}; and I sign off the initial data production.`
  );
}

/**
 * The clinical lead's sign-off with its declaration (the workflow's `signOff` update decides whether it may
 * happen: a passed round first), and the ICB's countersignature. Both land in the audit trail.
 */
@Injectable()
export class SignOffService {
  constructor(
    private readonly context: DataCheckContext,
    private readonly commands: ProcessCommandsService,
    @InjectRepository(SignOffDeclarationEntity) private readonly declarations: Repository<SignOffDeclarationEntity>,
    @InjectRepository(DataCheckIssueEntity) private readonly issues: Repository<DataCheckIssueEntity>,
  ) {}

  async view(p: Participation): Promise<SignOffView> {
    const row = await this.declarations.findOneBy({ migrationId: p.migration.id });
    if (!row) {
      throw new ProblemException(HttpStatus.NOT_FOUND, {
        type: problemType('not-found'),
        title: 'Not signed off',
        detail: 'The clinical lead has not signed off this migration yet.',
      });
    }
    return toView(row);
  }

  async signOff(
    p: Participation,
    caller: Caller,
    dto: SignOffDeclarationDto,
    idempotencyKey?: string,
  ): Promise<SignOffView & { signedAt: string }> {
    const actor = this.context.actor(p, caller);
    const open = await this.issues.find({
      select: { number: true },
      where: { migrationId: p.migration.id, status: Not('closed') },
      order: { number: 'ASC' },
    });
    const acceptedOpenIssues = open.map((i) => i.number);
    const declaration = declarationText(
      dto.clinicalLeadName.trim(),
      `${p.migration.practiceName} (${p.migration.practiceOdsCode})`,
      acceptedOpenIssues,
      dto.notMigrated,
    );
    // The workflow decides first (a passed round, the migration open); only an accepted sign-off is recorded here.
    // A retry with the same Idempotency-Key gets the workflow's first answer and records nothing twice.
    const { signedAt } = await this.commands.signOff(
      p,
      caller,
      {
        clinicalLeadName: dto.clinicalLeadName,
        declarationAccepted: dto.declarationAccepted,
        note: dto.note ?? undefined,
      },
      idempotencyKey,
    );
    await this.declarations
      .createQueryBuilder()
      .insert()
      .values({
        migrationId: p.migration.id,
        clinicalLeadName: dto.clinicalLeadName.trim(),
        declaration,
        acceptedOpenIssues,
        notMigrated: dto.notMigrated?.trim() || null,
        note: dto.note ?? null,
        signedBy: actor.organisation,
        signedAt: new Date(signedAt),
      })
      .orIgnore()
      .execute();
    await this.context.record(
      p,
      actor,
      'data-check.declaration-signed',
      {
        clinicalLeadName: dto.clinicalLeadName.trim(),
        declaration,
        acceptedOpenIssues,
      },
      { eventKey: `data-check:declaration-signed:${p.migration.id}` },
    );
    return { signedAt, ...(await this.view(p)) };
  }

  async countersign(p: Participation, caller: Caller, dto: CountersignDto): Promise<SignOffView> {
    const actor = this.context.actor(p, caller);
    const row = await this.declarations.findOneBy({ migrationId: p.migration.id });
    if (!row) {
      throw refused(
        HttpStatus.CONFLICT,
        'NotSignedOff',
        'Nothing to countersign yet',
        'The ICB countersigns after the clinical lead has signed off.',
      );
    }
    const updated = await this.declarations
      .createQueryBuilder()
      .update()
      .set({
        countersignedByName: dto.name.trim(),
        countersignedBy: actor.organisation,
        countersignedAt: new Date(),
        countersignNote: dto.note ?? null,
      })
      .where('migration_id = :id AND countersigned_at IS NULL', { id: p.migration.id })
      .execute();
    if (!updated.affected) {
      throw refused(
        HttpStatus.CONFLICT,
        'AlreadyCountersigned',
        'Already countersigned',
        `${row.countersignedByName} countersigned this sign-off at ${row.countersignedAt?.toISOString()}.`,
      );
    }
    await this.context.record(
      p,
      actor,
      'data-check.countersigned',
      { name: dto.name.trim(), note: dto.note ?? null },
      { eventKey: `data-check:countersigned:${p.migration.id}` },
    );
    return this.view(p);
  }
}

function toView(row: SignOffDeclarationEntity): SignOffView {
  return {
    clinicalLead: {
      name: row.clinicalLeadName,
      organisation: row.signedBy,
      signedAt: row.signedAt.toISOString(),
      note: row.note,
    },
    declaration: row.declaration,
    notMigrated: row.notMigrated,
    acceptedOpenIssues: row.acceptedOpenIssues,
    countersignature: row.countersignedAt
      ? {
          name: row.countersignedByName!,
          organisation: row.countersignedBy!,
          signedAt: row.countersignedAt.toISOString(),
          note: row.countersignNote,
        }
      : null,
  };
}
