import { HttpStatus } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { RowRejection } from '@idp/domain';
import { ProblemException, problemType } from '../common/problem';

/** More rows than any IDP sample or report needs; a bigger file is a mistake, refused before it is validated. */
export const MAX_CSV_ROWS = 2000;

/** Parses an uploaded CSV (a BOM, CRLF and ragged rows accepted); an unreadable file is one rejection. */
export function parseCsv(text: unknown): string[][] {
  if (typeof text !== 'string') {
    const message = 'Send the CSV file as the body with Content-Type text/csv';
    throw new ProblemException(HttpStatus.BAD_REQUEST, {
      type: problemType('validation'),
      title: 'The request has invalid fields',
      detail: message,
      errors: [{ field: 'Content-Type', message }],
    });
  }
  if (text.trim() === '') {
    throw rejectedUpload([
      { row: 1, field: 'file', message: 'Send the CSV file as the body, with Content-Type text/csv.' },
    ]);
  }
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw rejectedUpload([{ row: line, field: 'file', message: 'This line is not valid CSV (check the quotes).' }]);
  }
  if (rows.length > MAX_CSV_ROWS + 1) {
    throw rejectedUpload([{ row: MAX_CSV_ROWS + 2, field: 'file', message: `At most ${MAX_CSV_ROWS} rows per file.` }]);
  }
  return rows;
}

/** 422: nothing was imported, with every rejected row and why. */
export function rejectedUpload(rejected: RowRejection[]): ProblemException {
  const sorted = [...rejected].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  const problem = {
    type: problemType('upload-rejected'),
    title: 'The file was not imported',
    detail: `Nothing was imported: ${sorted.length} problem${sorted.length === 1 ? '' : 's'} in the file; fix every row listed in \`rejected\` and upload it again.`,
    code: 'UploadRejected',
    rejected: sorted.map((r) => ({ row: r.row ?? 1, field: r.field, message: r.message })),
  };
  return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, problem);
}

// A spreadsheet runs a cell starting with one of these as a formula (CSV injection); a leading quote keeps it text.
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: string | number | boolean | null | undefined): string | number {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' && FORMULA_START.test(value)) return `'${value}`;
  return value ?? '';
}

/**
 * CSV text of a header and rows; booleans as yes/no; free-text cells that a spreadsheet would run as a formula
 * are neutralised (numbers, negative differences included, stay numbers).
 */
export function toCsv(rows: Array<Array<string | number | boolean | null | undefined>>): string {
  return stringify(rows.map((row) => row.map(cell)));
}
