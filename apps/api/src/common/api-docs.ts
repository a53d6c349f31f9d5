import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiParam, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto';

/** The error statuses the API answers with, each a problem details body. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;

const DEFAULT_DESCRIPTIONS: Record<ProblemStatus, string> = {
  400: 'Invalid input: `errors` lists each field (or header, or path parameter) and what to fix.',
  401: 'No API key, or one that is not valid or has been revoked.',
  403: 'Your organisation may not do this.',
  404: 'Not found.',
  409: 'Conflicts with the current state.',
  413: 'The body is larger than 256 kB.',
  422: 'Understood but refused.',
  429: 'Too many requests with this API key (or from this address); retry after `Retry-After` seconds.',
  503: 'Postgres or Temporal cannot be reached right now; nothing was changed. Retry after `Retry-After` seconds.',
};

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
};

/**
 * Documents error responses as `application/problem+json` bodies (RFC 9457, `ProblemDto`). Pass a status for
 * its general description, or `[status, description]` to say what it means on this route.
 */
export function ApiProblems(...entries: Array<ProblemStatus | [ProblemStatus, string]>) {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...entries.map((entry) => {
      const [status, description] = Array.isArray(entry) ? entry : [entry, DEFAULT_DESCRIPTIONS[entry]];
      return ApiResponse({
        status,
        description,
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
      });
    }),
  );
}

/** What can go wrong on any route that needs an API key, whatever it does. */
export const AUTHENTICATED_PROBLEMS: ProblemStatus[] = [401, 429, 503];

/** The `Idempotency-Key` request header of commands. */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Repeat a request safely: the same key (within your organisation) gets the same answer and changes nothing more.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,200}$', example: 'extract-requested-2027-01-05' },
  });

/** The `:id` path parameter of a migration's routes. */
export const ApiMigrationId = () =>
  ApiParam({
    name: 'id',
    description: 'The migration id (a UUID), as the kickoff answered.',
    schema: { type: 'string', format: 'uuid' },
  });
