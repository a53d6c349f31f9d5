import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldProblem, ProblemDetails } from './problem';

/** One invalid input: which field (or header, or path parameter) and what to fix. */
export class FieldProblemDto implements FieldProblem {
  @ApiProperty({ example: 'practiceOdsCode', description: 'The field, e.g. `participants[0].role` or `id`.' })
  field: string;

  @ApiProperty({ example: 'practiceOdsCode must be a GP practice ODS code: one capital letter and 5 digits' })
  message: string;
}

/** The one error body of the API: RFC 9457 problem details, served as `application/problem+json`. */
export class ProblemDto implements ProblemDetails {
  @ApiProperty({
    example: 'https://idp-orchestrator.dev/problems/validation',
    description: 'A URI naming the kind of problem; stable, so clients can branch on it.',
  })
  type: string;

  @ApiProperty({ example: 'The request has invalid fields', description: 'A short summary of the kind of problem.' })
  title: string;

  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400, description: 'The HTTP status code.' })
  status: number;

  @ApiProperty({
    example: 'practiceOdsCode must be a GP practice ODS code: one capital letter and 5 digits, e.g. A81001',
    description: 'What went wrong with this request, in plain English.',
  })
  detail: string;

  @ApiPropertyOptional({ example: '/v1/migrations', description: 'The path of the request that failed.' })
  instance?: string;

  @ApiPropertyOptional({
    example: 'PrerequisitesNotMet',
    description: 'A stable machine-readable reason, e.g. why the process refused a command.',
  })
  code?: string;

  @ApiPropertyOptional({ type: [FieldProblemDto], description: 'Invalid inputs, one entry per rule broken (400).' })
  errors?: FieldProblemDto[];
}
