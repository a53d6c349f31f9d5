import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { TemporalConnectionHolder } from '@idp/temporal';
import { Public } from '../auth/access';
import { ApiProblems } from '../common/api-docs';
import { HealthDto, HealthProblemDto } from './health.response';

/** `GET /health`: Postgres and Temporal reported separately; 503 when either is down. */
@ApiTags('health')
@Public()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly temporal: TemporalConnectionHolder,
  ) {}

  @Get()
  // Documented here rather than by terminus: a 503 is a problem details body (see ProblemDetailsFilter).
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness of the API and its dependencies', description: 'Needs no API key.' })
  @ApiOkResponse({ type: HealthDto, description: 'Postgres and Temporal both answer.' })
  @ApiExtraModels(HealthProblemDto)
  @ApiResponse({
    status: 503,
    description: 'Postgres or Temporal is down; `details` says which.',
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(HealthProblemDto) } } },
  })
  @ApiProblems(429)
  check() {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 3000 }),
      async () => {
        const indicator = this.indicators.check('temporal');
        return (await this.temporal.isReachable())
          ? indicator.up({ address: this.temporal.address })
          : indicator.down({ address: this.temporal.address });
      },
    ]);
  }
}
