import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Forecast, MilestoneReportResult, RoundOutcomeResult } from '@idp/domain';
import { PROCESS_STATUSES } from './migration.response';

/*
 * What the kickoff and the process commands answer, for the OpenAPI document; each mirrors the result type of
 * the service or workflow update behind it.
 */

export class KickoffResultDto {
  @ApiProperty({ format: 'uuid', example: '5b1d0f7e-3c55-4d0b-9a43-6f1f0e3a4b2c' })
  id: string;

  @ApiProperty({ example: 'idp-5b1d0f7e-3c55-4d0b-9a43-6f1f0e3a4b2c', description: 'The Temporal workflow id.' })
  workflowId: string;

  @ApiProperty({ enum: PROCESS_STATUSES, example: 'active' })
  status: (typeof PROCESS_STATUSES)[number];
}

export class MilestoneReportResultDto implements MilestoneReportResult {
  @ApiProperty({ example: 'extractRequested' })
  milestone: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1, description: 'The data-check round it counts for.' })
  round: number;

  @ApiProperty({ format: 'date-time', example: '2027-01-05T10:12:00.000Z' })
  completedAt: string;

  @ApiProperty({ description: 'True when this repeated an earlier identical report: nothing changed.' })
  duplicate: boolean;
}

export class ForecastDto implements Forecast {
  @ApiProperty({ format: 'date', example: '2027-04-19' })
  plannedGoLive: string;

  @ApiProperty({ format: 'date', example: '2027-04-19' })
  forecastGoLive: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  slipWorkingDays: number;
}

export class RoundOutcomeResultDto implements RoundOutcomeResult {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1, description: 'The round the outcome was recorded for.' })
  round: number;

  @ApiProperty({ enum: ['passed', 'failed'] })
  outcome: 'passed' | 'failed';

  @ApiPropertyOptional({ type: 'integer', minimum: 2, example: 2, description: 'After a failure: the new round.' })
  nextRound?: number;

  @ApiProperty({ description: 'True when the rounds allowed are used up and the ICB has been alerted.' })
  escalated: boolean;
}
