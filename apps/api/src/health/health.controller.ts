import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { TemporalConnectionHolder } from '@idp/temporal';
import { Public } from '../auth/access';

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
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness of the API and its dependencies' })
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
