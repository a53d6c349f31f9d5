import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ORGANISATION_ROLES,
  SUPPLIER_ADAPTERS,
  type OrganisationRole,
  type SupplierAdapterKind,
} from '@idp/persistence';

/** An organisation that calls the API. */
export class OrganisationResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ORGANISATION_ROLES, example: 'supplier' })
  role: OrganisationRole;

  @ApiProperty({ example: 'EMIS', description: 'ICB code, practice ODS code, supplier or delivery partner code.' })
  code: string;

  @ApiProperty({ example: 'EMIS Health' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: 'https://supplier.example/idp-webhook' })
  webhookUrl: string | null;

  @ApiProperty({ description: 'Whether a webhook signing secret is set (the secret itself is never shown again).' })
  webhookSecretSet: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'digital@icb.example' })
  contactEmail: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

/** A new webhook endpoint: the only time its signing secret is shown. */
export class WebhookEndpointResponseDto {
  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty({ example: 'EMIS' })
  code: string;

  @ApiProperty({ example: 'https://supplier.example/idp-webhook' })
  url: string;

  @ApiProperty({
    example: 'whsec_Q2hhbmdlIG1lIQAAAAAAAAAAAAAAAAAAAAAA',
    description:
      'Verify `IDP-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with it. Shown once; replaces any earlier secret.',
  })
  secret: string;
}

/** An API key as listed: never its secret. */
export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty({ example: 'integration server' })
  label: string;

  @ApiProperty({ example: '3f9a0c1b2d4e', description: 'The public part of the key (`idp_<prefix>_…`).' })
  prefix: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt: string | null;
}

/** A new API key: the only time the key itself is shown. */
export class CreatedApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty({ example: 'integration server' })
  label: string;

  @ApiProperty({
    example: 'idp_3f9a0c1b2d4e_Q2hhbmdlIG1lIQAAAAAAAAAAAAAAAAAAAAAA',
    description: 'Send as `Authorization: Bearer <key>`. Shown once; only its hash is kept.',
  })
  key: string;
}

/** A supplier's adapter as now set; the sandbox's own API key is never shown. */
export class SupplierAdapterResponseDto {
  @ApiProperty({ example: 'EMIS' })
  organisation: string;

  @ApiProperty({ enum: SUPPLIER_ADAPTERS, example: 'sandbox' })
  adapter: SupplierAdapterKind;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The sandbox settings with every default filled in; empty for the other adapters.',
  })
  settings: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'uuid', description: 'Sandbox only: the id of the API key the sandbox reports with.' })
  sandboxApiKeyId?: string;
}
