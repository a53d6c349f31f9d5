import { applyDecorators } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiProduces,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiProblems } from '../common/api-docs';
import { UploadRejectedProblemDto } from './dto/responses.dto';

/*
 * OpenAPI pieces the data-checking routes share: what their errors mean, CSV uploads and downloads, the PDF.
 */

export const MIGRATION_400 = 'Invalid input: a migration id that is not a UUID or a bad field; `errors` lists each.';
export const MIGRATION_404 = 'No such migration, or not one your organisation takes part in.';
export const ROLE_403 = 'Your organisation’s role in this migration may not do this.';
export const CLOSED_409 = 'The migration is signed off or cancelled (`code: MigrationClosed`), or still starting.';

/** The problems of a read. */
export const ReadProblems = () => ApiProblems([400, MIGRATION_400], 401, [404, MIGRATION_404], 429, 503);

/** The problems of a change; `extra` adds route-specific ones. */
export const ChangeProblems = (conflict = CLOSED_409, unprocessable?: string) =>
  ApiProblems(
    [400, MIGRATION_400],
    401,
    [403, ROLE_403],
    [404, MIGRATION_404],
    [409, conflict],
    413,
    ...(unprocessable ? [[422, unprocessable] as [422, string]] : []),
    429,
    503,
  );

/** A CSV file as the request body, all or nothing, with a 422 listing every rejected row. */
export const ApiCsvUpload = (description: string) =>
  applyDecorators(
    ApiConsumes('text/csv', 'text/plain'),
    ApiBody({ schema: { type: 'string', example: description }, description }),
    ApiExtraModels(UploadRejectedProblemDto),
    ApiResponse({
      status: 422,
      description: 'Nothing was imported: `rejected` lists every row that is wrong and why.',
      content: { 'application/problem+json': { schema: { $ref: getSchemaPath(UploadRejectedProblemDto) } } },
    }),
    ApiProblems(
      [400, `${MIGRATION_400} Or the body is not text/csv.`],
      401,
      [403, ROLE_403],
      [404, MIGRATION_404],
      [409, `${CLOSED_409} Or a row was selected by someone else meanwhile (\`code: PatientAlreadySelected\`).`],
      [413, 'The file is larger than 2 MB.'],
      429,
      503,
    ),
  );

const DISPOSITION = { description: 'attachment; filename=…', schema: { type: 'string' } };
const CONTENT_HASH = {
  description: 'SHA-256 (hex) of the sign-off pack’s canonical data, as printed in the pack.',
  schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
};

/** A download of `mediaType`; `pack` adds the sign-off pack's content hash header. */
const ApiDownload = (mediaType: string, schema: object, description: string, pack: boolean) =>
  applyDecorators(
    ApiProduces(mediaType),
    ApiOkResponse({
      description,
      content: { [mediaType]: { schema } },
      headers: { 'Content-Disposition': DISPOSITION, ...(pack ? { 'X-Content-Hash': CONTENT_HASH } : {}) },
    }),
    ReadProblems(),
  );

/** A CSV download. */
export const ApiCsvDownload = (description: string, pack = false) =>
  ApiDownload('text/csv', { type: 'string' }, description, pack);

/** The sign-off pack as a PDF. */
export const ApiPdfDownload = (description: string) =>
  ApiDownload('application/pdf', { type: 'string', format: 'binary' }, description, true);
