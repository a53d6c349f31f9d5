import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access';
import { CreateApiKeyDto, CreateOrganisationDto } from './dto/organisation.dto';
import { OrganisationsService } from './organisations.service';

const keyView = (k: {
  id: string;
  organisationId: string;
  label: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}) => ({
  id: k.id,
  organisationId: k.organisationId,
  label: k.label,
  prefix: k.prefix,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

/** The installation's operator manages organisations and their API keys (the admin command does the same). */
@ApiTags('administration')
@ApiBearerAuth()
@Access({ organisations: ['operator'] })
@Controller({ version: '1' })
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Post('organisations')
  @ApiOperation({ summary: 'Register an organisation (ICB, delivery partner, supplier, practice)' })
  create(@Body() dto: CreateOrganisationDto) {
    return this.organisations.create(dto);
  }

  @Get('organisations')
  @ApiOperation({ summary: 'Every organisation' })
  list() {
    return this.organisations.list();
  }

  @Post('organisations/:idOrCode/api-keys')
  @ApiOperation({ summary: 'Create an API key for an organisation; the key is shown in this answer only' })
  @ApiCreatedResponse({ description: '`{ id, organisationId, label, key }`' })
  createKey(@Param('idOrCode') idOrCode: string, @Body() dto: CreateApiKeyDto) {
    return this.organisations.createKey(idOrCode, dto.label ?? 'api key');
  }

  @Get('api-keys')
  @ApiOperation({ summary: 'Every API key (never the secret)' })
  async listKeys() {
    return (await this.organisations.listKeys()).map(keyView);
  }

  @Delete('api-keys/:keyId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key at once' })
  async revoke(@Param('keyId', new ParseUUIDPipe()) keyId: string) {
    return keyView(await this.organisations.revokeKey(keyId));
  }
}
