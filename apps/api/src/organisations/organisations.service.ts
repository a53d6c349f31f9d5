import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, QueryFailedError, type Repository } from 'typeorm';
import type { Environment } from '@idp/config';
import { ICB_CODE_PATTERN, PRACTICE_ODS_CODE_PATTERN } from '@idp/domain';
import { ApiKeyEntity, OrganisationEntity, type OrganisationRole } from '@idp/persistence';
import { ProblemException, problemType } from '../common/problem';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from '../auth/api-key';
import { VerifiedKeyCache, type StoredKey } from '../auth/verified-keys';

/** Who is calling: an organisation, authenticated by one of its API keys. */
export interface Caller {
  organisationId: string;
  role: OrganisationRole;
  code: string;
  name: string;
  apiKeyId?: string;
}

export const OPERATOR_CALLER: Omit<Caller, 'apiKeyId'> = {
  organisationId: '00000000-0000-0000-0000-000000000000',
  role: 'operator',
  code: 'operator',
  name: 'Installation operator',
};

const CODE_RULES: Record<OrganisationRole, { pattern: RegExp; example: string }> = {
  icb: { pattern: ICB_CODE_PATTERN, example: 'an ICB code such as QHG' },
  practice: { pattern: PRACTICE_ODS_CODE_PATTERN, example: 'a practice ODS code such as A81001' },
  supplier: { pattern: /^[A-Z0-9-]{2,40}$/, example: 'a supplier code such as EMIS (capitals, digits, hyphens)' },
  'delivery-partner': {
    pattern: /^[A-Z0-9-]{2,40}$/,
    example: 'a code such as CSU-MIDLANDS (capitals, digits, hyphens)',
  },
  operator: { pattern: /^[A-Z0-9-]{2,40}$/, example: 'a code such as OPS' },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CreatedKey {
  id: string;
  organisationId: string;
  label: string;
  /** Shown once; only its hash is kept. */
  key: string;
}

/** Organisations and their API keys: one service for the API, the admin command and the demo seed. */
@Injectable()
export class OrganisationsService {
  private readonly operatorSecretHash?: string;
  private readonly verifiedKeys: VerifiedKeyCache;

  constructor(
    @InjectRepository(OrganisationEntity) private readonly organisations: Repository<OrganisationEntity>,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    config: ConfigService<Environment, true>,
  ) {
    const operatorKey = config.get('OPERATOR_API_KEY', { infer: true });
    if (operatorKey) this.operatorSecretHash = hashSecret(operatorKey);
    this.verifiedKeys = new VerifiedKeyCache(config.get('API_KEY_CACHE_SECONDS', { infer: true }) * 1000);
  }

  async create(input: {
    role: OrganisationRole;
    code: string;
    name: string;
    webhookUrl?: string;
  }): Promise<OrganisationEntity> {
    const rule = CODE_RULES[input.role];
    if (!rule) throw this.invalid('role', `role must be one of ${Object.keys(CODE_RULES).join(', ')}`);
    if (!rule.pattern.test(input.code)) throw this.invalid('code', `code of a ${input.role} must be ${rule.example}`);
    if (!input.name?.trim()) throw this.invalid('name', 'name must not be empty');
    try {
      return await this.organisations.save(
        this.organisations.create({
          id: randomUUID(),
          role: input.role,
          code: input.code,
          name: input.name.trim(),
          webhookUrl: input.webhookUrl ?? null,
        }),
      );
    } catch (error) {
      if (error instanceof QueryFailedError && (error as unknown as { code?: string }).code === '23505') {
        throw new ProblemException(HttpStatus.CONFLICT, {
          type: problemType('organisation-exists'),
          title: 'Organisation already exists',
          detail: `An organisation with code ${input.code} already exists.`,
        });
      }
      throw error;
    }
  }

  list(): Promise<OrganisationEntity[]> {
    return this.organisations.find({ order: { role: 'ASC', code: 'ASC' } });
  }

  async findByIdOrCode(idOrCode: string): Promise<OrganisationEntity> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrCode);
    const found = await this.organisations.findOneBy(isUuid ? { id: idOrCode } : { code: idOrCode });
    if (!found)
      throw new ProblemException(HttpStatus.NOT_FOUND, {
        title: 'Not found',
        detail: `There is no organisation ${idOrCode}.`,
      });
    return found;
  }

  async createKey(organisationIdOrCode: string, label: string): Promise<CreatedKey> {
    const organisation = await this.findByIdOrCode(organisationIdOrCode);
    const { key, prefix, secretHash } = generateApiKey();
    const row = await this.keys.save(
      this.keys.create({
        id: randomUUID(),
        organisationId: organisation.id,
        prefix,
        secretHash,
        label: label?.trim() || 'api key',
        revokedAt: null,
        lastUsedAt: null,
      }),
    );
    return { id: row.id, organisationId: organisation.id, label: row.label, key };
  }

  listKeys(organisationId?: string): Promise<ApiKeyEntity[]> {
    return this.keys.find({ where: organisationId ? { organisationId } : {}, order: { createdAt: 'ASC' } });
  }

  async revokeKey(id: string): Promise<ApiKeyEntity> {
    // An id that is not a UUID names no key (and must not reach Postgres as one: the admin command passes it as typed).
    const key = UUID.test(id) ? await this.keys.findOneBy({ id }) : null;
    if (!key)
      throw new ProblemException(HttpStatus.NOT_FOUND, { title: 'Not found', detail: `There is no API key ${id}.` });
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: key.revokedAt });
    }
    this.verifiedKeys.forget(key.prefix);
    return key;
  }

  /**
   * The caller a bearer key belongs to, or undefined for an unknown, malformed or revoked key. A key verified in
   * the last API_KEY_CACHE_SECONDS is checked against its remembered hash without asking Postgres.
   */
  async authenticate(presented: string): Promise<Caller | undefined> {
    if (this.operatorSecretHash && secretMatches(presented, this.operatorSecretHash)) return { ...OPERATOR_CALLER };
    const parsed = parseApiKey(presented);
    if (!parsed) return undefined;
    const stored = await this.verifiedKeys.get(parsed.prefix, (prefix) => this.findValidKey(prefix));
    return stored && secretMatches(parsed.secret, stored.secretHash) ? { ...stored.caller } : undefined;
  }

  private async findValidKey(prefix: string): Promise<StoredKey | undefined> {
    const rows: Array<{
      key_id: string;
      secret_hash: string;
      id: string;
      role: OrganisationRole;
      code: string;
      name: string;
    }> = await this.keys.query(
      `SELECT k.id AS key_id, k.secret_hash, o.id, o.role, o.code, o.name
         FROM api_key k JOIN organisation o ON o.id = k.organisation_id WHERE k.prefix = $1 AND k.revoked_at IS NULL`,
      [prefix],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      secretHash: row.secret_hash,
      caller: { organisationId: row.id, role: row.role, code: row.code, name: row.name, apiKeyId: row.key_id },
    };
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
