import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';
import { ORGANISATION_ROLES, type OrganisationRole } from '@idp/persistence';

export class CreateOrganisationDto {
  @ApiProperty({ enum: ORGANISATION_ROLES, example: 'supplier' })
  @IsIn(ORGANISATION_ROLES, { message: `role must be one of ${ORGANISATION_ROLES.join(', ')}` })
  role: OrganisationRole;

  @ApiProperty({ example: 'EMIS', description: 'ICB code, practice ODS code, supplier or delivery partner code.' })
  @IsString()
  @MinLength(2)
  @MaxLength(40)
  code: string;

  @ApiProperty({ example: 'EMIS Health' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'https://supplier.example/idp-webhook' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'webhookUrl must be an http(s) URL' })
  webhookUrl?: string;
}

export class CreateApiKeyDto {
  @ApiPropertyOptional({ example: 'integration server', default: 'api key' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  label?: string;
}
