import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from '../auth/access';
import { ApiProblems } from '../common/api-docs';
import type { OrganisationEntity } from '@idp/persistence';
import { CreateApiKeyDto, CreateOrganisationDto, SetSupplierAdapterDto, SetWebhookDto } from './dto/organisation.dto';
import {
  ApiKeyResponseDto,
  CreatedApiKeyResponseDto,
  OrganisationResponseDto,
  WebhookEndpointResponseDto,
  SupplierAdapterResponseDto,
} from './dto/organisation.response';
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

/** What the API shows of an organisation: never its webhook secret, even encrypted. */
const organisationView = (o: OrganisationEntity): OrganisationResponseDto => ({
  id: o.id,
  role: o.role,
  code: o.code,
  name: o.name,
  webhookUrl: o.webhookUrl,
  webhookSecretSet: !!o.webhookSecretEncrypted,
  contactEmail: o.contactEmail,
  createdAt: o.createdAt.toISOString(),
});

/** The installation's operator manages organisations and their API keys (the admin command does the same). */
@ApiTags('administration')
@ApiBearerAuth()
@Access({ organisations: ['operator'] })
@ApiProblems(401, [403, 'Only the installation’s operator manages organisations and API keys.'], 429, 503)
@Controller({ version: '1' })
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Post('organisations')
  @ApiOperation({ summary: 'Register an organisation (ICB, delivery partner, supplier, practice)' })
  @ApiCreatedResponse({ type: OrganisationResponseDto, description: 'Registered.' })
  @ApiProblems(
    [400, 'Invalid fields, or a code that does not fit the role; `errors` lists each.'],
    [409, 'An organisation with this code already exists.'],
    413,
  )
  async create(@Body() dto: CreateOrganisationDto) {
    return organisationView(await this.organisations.create(dto));
  }

  @Get('organisations')
  @ApiOperation({ summary: 'Every organisation' })
  @ApiOkResponse({ type: OrganisationResponseDto, isArray: true })
  async list() {
    return (await this.organisations.list()).map(organisationView);
  }

  @Put('organisations/:idOrCode/webhook')
  @ApiOperation({
    summary: 'Set the organisation’s webhook URL with a new signing secret; the secret is shown in this answer only',
  })
  @ApiParam({ name: 'idOrCode', description: 'The organisation’s id (UUID) or code.', schema: { type: 'string' } })
  @ApiOkResponse({ type: WebhookEndpointResponseDto, description: 'Set; store the secret now.' })
  @ApiProblems(
    [400, 'The URL is not https (http is allowed for localhost only), or not a URL.'],
    [404, 'No such organisation.'],
    413,
  )
  setWebhook(@Param('idOrCode') idOrCode: string, @Body() dto: SetWebhookDto) {
    return this.organisations.setWebhook(idOrCode, dto.url);
  }

  @Post('organisations/:idOrCode/api-keys')
  @ApiOperation({ summary: 'Create an API key for an organisation; the key is shown in this answer only' })
  @ApiParam({ name: 'idOrCode', description: 'The organisation’s id (UUID) or code.', schema: { type: 'string' } })
  @ApiBody({ type: CreateApiKeyDto, required: false, description: 'Optional: a label for the key.' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto, description: 'The new key; store it now.' })
  @ApiProblems(400, [404, 'No such organisation.'], 413)
  createKey(@Param('idOrCode') idOrCode: string, @Body() dto: CreateApiKeyDto) {
    return this.organisations.createKey(idOrCode, dto.label ?? 'api key');
  }

  @Put('organisations/:idOrCode/supplier-adapter')
  @ApiOperation({ summary: 'Set how requests reach a supplier: none, webhook or the sandbox (with its settings)' })
  @ApiParam({ name: 'idOrCode', description: 'The supplier’s id (UUID) or code.', schema: { type: 'string' } })
  @ApiOkResponse({ type: SupplierAdapterResponseDto, description: 'Set; a sandbox has its own API key from now on.' })
  @ApiProblems(
    [400, 'Not a supplier, an unknown adapter, or settings that do not fit; `errors` lists each.'],
    [404, 'No such organisation.'],
    [409, 'webhook: the supplier has no webhook URL and signing secret yet.'],
    413,
  )
  setSupplierAdapter(@Param('idOrCode') idOrCode: string, @Body() dto: SetSupplierAdapterDto) {
    return this.organisations.setSupplierAdapter(idOrCode, dto.adapter, dto.settings);
  }

  @Get('api-keys')
  @ApiOperation({ summary: 'Every API key (never the secret)' })
  @ApiOkResponse({ type: ApiKeyResponseDto, isArray: true })
  async listKeys() {
    return (await this.organisations.listKeys()).map(keyView);
  }

  @Delete('api-keys/:keyId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key at once' })
  @ApiParam({ name: 'keyId', description: 'The key’s id.', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: ApiKeyResponseDto, description: 'Revoked (or already revoked): the key as it now is.' })
  @ApiProblems([400, 'keyId is not a UUID.'], [404, 'No such API key.'])
  async revoke(@Param('keyId', new ParseUUIDPipe()) keyId: string) {
    return keyView(await this.organisations.revokeKey(keyId));
  }
}
