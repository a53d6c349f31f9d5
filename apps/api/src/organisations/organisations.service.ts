import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, QueryFailedError, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { dataEncryptionKeys, type Environment } from '@idp/config';
import { ICB_CODE_PATTERN, PRACTICE_ODS_CODE_PATTERN } from '@idp/domain';
import {
  ApiKeyEntity,
  OrganisationEntity,
  SUPPLIER_ADAPTERS,
  type OrganisationRole,
  type SupplierAdapterKind,
} from '@idp/persistence';
import { FieldCipher, generateWebhookSecret } from '@idp/security';
import { InvalidAdapterSettings, parseSandboxSettings, type SandboxSettings } from '@idp/suppliers';
import { ProblemException, problemType } from '../common/problem';
import { webhookUrlProblem } from './webhook-url';
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

const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;

export interface WebhookEndpoint {
  organisationId: string;
  code: string;
  url: string;
  /** Shown once; stored encrypted. The organisation verifies `IDP-Signature` with it. */
  secret: string;
}

export interface CreatedKey {
  id: string;
  organisationId: string;
  label: string;
  /** Shown once; only its hash is kept. */
  key: string;
}

/** A supplier's adapter as set: never a secret (the sandbox's own API key is kept encrypted and not shown). */
export interface SupplierAdapterView {
  organisation: string;
  adapter: SupplierAdapterKind;
  /** The sandbox's behaviour with every default filled in; empty for the other adapters. */
  settings: Partial<SandboxSettings>;
  /** The id of the API key the sandbox reports with (sandbox only). */
  sandboxApiKeyId?: string;
}

/** Organisations and their API keys: one service for the API, the admin command and the demo seed. */
@Injectable()
export class OrganisationsService {
  private readonly operatorSecretHash?: string;
  private readonly cipher: FieldCipher;
  private readonly verifiedKeys: VerifiedKeyCache;

  constructor(
    @InjectRepository(OrganisationEntity) private readonly organisations: Repository<OrganisationEntity>,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    config: ConfigService<Environment, true>,
  ) {
    const operatorKey = config.get('OPERATOR_API_KEY', { infer: true });
    if (operatorKey) this.operatorSecretHash = hashSecret(operatorKey);
    this.cipher = new FieldCipher(...dataEncryptionKeys(config));
    this.verifiedKeys = new VerifiedKeyCache(config.get('API_KEY_CACHE_SECONDS', { infer: true }) * 1000);
  }

  async create(input: {
    role: OrganisationRole;
    code: string;
    name: string;
    webhookUrl?: string;
    contactEmail?: string;
  }): Promise<OrganisationEntity> {
    const rule = CODE_RULES[input.role];
    if (!rule) throw this.invalid('role', `role must be one of ${Object.keys(CODE_RULES).join(', ')}`);
    if (!rule.pattern.test(input.code)) throw this.invalid('code', `code of a ${input.role} must be ${rule.example}`);
    if (!input.name?.trim()) throw this.invalid('name', 'name must not be empty');
    if (input.contactEmail !== undefined && !EMAIL.test(input.contactEmail))
      throw this.invalid('contactEmail', 'contactEmail must be an email address, e.g. digital@icb.example');
    try {
      return await this.organisations.save(
        this.organisations.create({
          id: randomUUID(),
          role: input.role,
          code: input.code,
          name: input.name.trim(),
          webhookUrl: input.webhookUrl ?? null,
          contactEmail: input.contactEmail ?? null,
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

  /**
   * Points the organisation's notifications and supplier requests at `url` with a new signing secret, which
   * replaces any earlier one at once. The secret is returned this once and stored encrypted.
   */
  async setWebhook(organisationIdOrCode: string, url: string): Promise<WebhookEndpoint> {
    const problem = webhookUrlProblem(url);
    if (problem) throw this.invalid('url', problem);
    const organisation = await this.findByIdOrCode(organisationIdOrCode);
    const secret = generateWebhookSecret();
    await this.organisations.update(
      { id: organisation.id },
      { webhookUrl: url, webhookSecretEncrypted: this.cipher.encrypt(secret) },
    );
    return { organisationId: organisation.id, code: organisation.code, url, secret };
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
   * Sets how requests reach a supplier: `none`, `webhook` (its webhook URL and secret must be set first) or
   * `sandbox` with validated settings. A sandbox gets an API key of its own, kept encrypted in its settings and
   * reused when the settings change; leaving the sandbox revokes it. Seed scripts call this to make a demo supplier.
   */
  async setSupplierAdapter(
    organisationIdOrCode: string,
    adapter: SupplierAdapterKind,
    rawSettings: unknown = {},
  ): Promise<SupplierAdapterView> {
    const organisation = await this.findByIdOrCode(organisationIdOrCode);
    if (organisation.role !== 'supplier')
      throw this.invalid(
        'organisation',
        `${organisation.code} is a ${organisation.role}; only a supplier has an adapter`,
      );
    if (!SUPPLIER_ADAPTERS.includes(adapter))
      throw this.invalid('adapter', `adapter must be one of ${SUPPLIER_ADAPTERS.join(', ')}`);
    const previousKeyId = organisation.adapterSettings?.apiKeyId as string | undefined;
    let settings: Record<string, unknown> = {};
    if (adapter === 'sandbox') {
      settings = { ...this.sandboxSettings(rawSettings), ...(await this.sandboxKey(organisation)) };
    } else {
      if (rawSettings !== undefined && (typeof rawSettings !== 'object' || Object.keys(rawSettings ?? {}).length > 0))
        throw this.invalid('settings', `the ${adapter} adapter takes no settings`);
      if (adapter === 'webhook' && (!organisation.webhookUrl || !organisation.webhookSecretEncrypted)) {
        throw new ProblemException(HttpStatus.CONFLICT, {
          type: problemType('webhook-not-configured'),
          title: 'Webhook not configured',
          detail: `${organisation.code} has no webhook URL and signing secret yet; set them first (organisation set-webhook).`,
        });
      }
    }
    organisation.supplierAdapter = adapter;
    organisation.adapterSettings = settings;
    // Only these two columns: saving the whole row loaded above could write back a webhook secret that a
    // `data-key rotate` re-encrypted meanwhile.
    await this.organisations.update({ id: organisation.id }, {
      supplierAdapter: adapter,
      adapterSettings: settings,
    } as QueryDeepPartialEntity<OrganisationEntity>);
    if (previousKeyId && settings.apiKeyId !== previousKeyId) await this.revokeKey(previousKeyId);
    const { apiKeyId, apiKeyEncrypted: _secret, ...shown } = settings;
    return {
      organisation: organisation.code,
      adapter,
      settings: shown as Partial<SandboxSettings>,
      ...(typeof apiKeyId === 'string' ? { sandboxApiKeyId: apiKeyId } : {}),
    };
  }

  private sandboxSettings(raw: unknown): SandboxSettings {
    try {
      return parseSandboxSettings(raw ?? {});
    } catch (error) {
      if (!(error instanceof InvalidAdapterSettings)) throw error;
      throw new ProblemException(HttpStatus.BAD_REQUEST, {
        type: problemType('validation'),
        title: 'The request has invalid fields',
        detail: `Invalid sandbox settings: ${error.message}`,
        errors: error.problems.map((p) => ({ field: `settings.${p.field}`, message: p.message })),
      });
    }
  }

  /** The sandbox's own API key: the one it has while still valid, else a new one. */
  private async sandboxKey(organisation: OrganisationEntity): Promise<{ apiKeyId: string; apiKeyEncrypted: string }> {
    const { apiKeyId, apiKeyEncrypted } = organisation.adapterSettings ?? {};
    if (typeof apiKeyId === 'string' && typeof apiKeyEncrypted === 'string') {
      const existing = await this.keys.findOneBy({ id: apiKeyId });
      if (existing && !existing.revokedAt) return { apiKeyId, apiKeyEncrypted };
    }
    const created = await this.createKey(organisation.id, 'sandbox supplier');
    return { apiKeyId: created.id, apiKeyEncrypted: this.cipher.encrypt(created.key) };
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
