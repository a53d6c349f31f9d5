import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsObject, IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';
import {
  ORGANISATION_ROLES,
  SUPPLIER_ADAPTERS,
  type OrganisationRole,
  type SupplierAdapterKind,
} from '@idp/persistence';

export class CreateOrganisationDto {
  @ApiProperty({ enum: ORGANISATION_ROLES, example: 'supplier' })
  @IsIn(ORGANISATION_ROLES, { message: `role must be one of ${ORGANISATION_ROLES.join(', ')}` })
  role: OrganisationRole;

  @ApiProperty({
    example: 'EMIS',
    minLength: 2,
    maxLength: 40,
    pattern: '^[A-Z0-9-]{2,40}$',
    description:
      'ICB code (QHG), practice ODS code (A81001), or a supplier, delivery partner or operator code (capitals, digits, hyphens).',
  })
  @IsString()
  @MinLength(2)
  @MaxLength(40)
  code: string;

  @ApiProperty({ example: 'EMIS Health', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'https://supplier.example/idp-webhook', format: 'uri' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'webhookUrl must be an http(s) URL' })
  webhookUrl?: string;

  @ApiPropertyOptional({
    example: 'digital@icb.example',
    format: 'email',
    maxLength: 254,
    description: 'Where organisation-level messages (the weekly digest) go.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'contactEmail must be an email address, e.g. digital@icb.example' })
  contactEmail?: string;
}

export class SetWebhookDto {
  @ApiProperty({
    example: 'https://supplier.example/idp-webhook',
    format: 'uri',
    maxLength: 2000,
    description: 'https, or http for localhost only. Notifications and supplier requests are POSTed here, signed.',
  })
  @IsString()
  @MaxLength(2000)
  url: string;
}

export class CreateApiKeyDto {
  @ApiPropertyOptional({ example: 'integration server', default: 'api key', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  label?: string;
}

export class SetSupplierAdapterDto {
  @ApiProperty({
    enum: SUPPLIER_ADAPTERS,
    example: 'sandbox',
    description:
      '`none` (notifications only), `webhook` (signed requests to its webhook URL) or `sandbox` (simulated).',
  })
  @IsIn(SUPPLIER_ADAPTERS, { message: `adapter must be one of ${SUPPLIER_ADAPTERS.join(', ')}` })
  adapter: SupplierAdapterKind;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { delayWorkingDays: 0.5, late: ['extractDelivered'], failLoad: false, dataIssues: true },
    description:
      'Sandbox only: delayWorkingDays, delays (per request kind), late (milestone keys), lateByWorkingDays, failLoad, failLoadDelayWorkingDays, dataIssues, adminUsers, trainedUsers.',
  })
  @IsOptional()
  @IsObject({ message: 'settings must be a JSON object' })
  settings?: Record<string, unknown>;
}
