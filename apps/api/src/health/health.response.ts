import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ProblemDto } from '../common/problem.dto';

const INDICATOR: SchemaObject = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['up', 'down'] } },
  required: ['status'],
  additionalProperties: true,
};
const EXAMPLE = { postgres: { status: 'up' }, temporal: { status: 'up', address: '127.0.0.1:7233' } };
const indicators = (description: string) =>
  ({ type: 'object', additionalProperties: INDICATOR, example: EXAMPLE, description }) as const;

/** `GET /health` when every dependency answers. */
export class HealthDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';

  @ApiProperty(indicators('Dependencies that are up.'))
  info: Record<string, { status: string }>;

  @ApiProperty(indicators('Dependencies that are down (none).'))
  error: Record<string, { status: string }>;

  @ApiProperty(indicators('Every dependency.'))
  details: Record<string, { status: string }>;
}

/** `GET /health` when a dependency is down: a problem details body that also says which. */
export class HealthProblemDto extends ProblemDto {
  @ApiPropertyOptional(indicators('Dependencies that are up.'))
  info?: Record<string, { status: string }>;

  @ApiPropertyOptional(indicators('Dependencies that are down.'))
  error?: Record<string, { status: string }>;

  @ApiProperty(indicators('Every dependency.'))
  details: Record<string, { status: string }>;
}
