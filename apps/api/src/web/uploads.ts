import type { Response } from 'express';

/** The API's limit for the same uploads. */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

/** The key in `res.locals` where the upload middleware leaves why it read no file. */
export const UPLOAD_REFUSAL = 'uploadRefusal';

/** A file as the upload middleware hands it over. */
export interface UploadedFile {
  originalname: string;
  mimetype: string;
  buffer: Buffer;
}

/** A file the page cannot take, with what to do instead. */
export interface FileRefusal {
  status: number;
  message: string;
}

/**
 * The text of the CSV file a page form sent, or what to fix about the file itself: none chosen, one over 2 MB, a
 * body the middleware could not read, or a file that is not CSV (a spreadsheet workbook or a PDF). What the rows
 * say is the service's to judge, as for the API.
 */
export function csvTextOf(res: Response, file: UploadedFile | undefined, what: string): string | FileRefusal {
  const refusal = res.locals[UPLOAD_REFUSAL] as 'too-big' | 'unreadable' | undefined;
  if (refusal === 'too-big') {
    return { status: 413, message: `The selected file must be at most 2 MB: upload only the ${what}` };
  }
  if (refusal)
    return { status: 400, message: `The file could not be read: choose one CSV file of ${what} and try again` };
  if (!file?.buffer.length) return { status: 400, message: `Choose a CSV file of ${what} to upload` };
  // Workbooks and PDFs are binary (NUL bytes); a CSV is text whatever its encoding.
  const named = /\.csv$/i.test(file.originalname) || file.mimetype === 'text/csv';
  if (!named || file.buffer.includes(0)) {
    return {
      status: 415,
      message: 'The selected file must be a CSV: in your spreadsheet, save it as CSV (comma separated values)',
    };
  }
  const text = file.buffer.toString('utf8');
  return text.trim() ? text : { status: 400, message: `The selected file is empty: it must list the ${what}` };
}
