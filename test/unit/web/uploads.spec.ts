import type { Response } from 'express';
import { rejectedUpload } from '../../../apps/api/src/data-checking/csv';
import { ProblemException } from '../../../apps/api/src/common/problem';
import { submitUpload, type FormError, type RejectedRow } from '../../../apps/api/src/web/forms';
import { csvTextOf, UPLOAD_REFUSAL, type UploadedFile } from '../../../apps/api/src/web/uploads';

const response = (refusal?: string) =>
  ({ locals: refusal ? { [UPLOAD_REFUSAL]: refusal } : {} }) as unknown as Response;
const file = (buffer: Buffer | string, originalname = 'figures.csv', mimetype = 'text/csv'): UploadedFile => ({
  originalname,
  mimetype,
  buffer: Buffer.from(buffer),
});

describe('a CSV file sent by a page form', () => {
  it('is its text when it is a CSV, whatever the browser calls its type', () => {
    expect(csvTextOf(response(), file('kind\nlist-size\n'), 'report figures')).toBe('kind\nlist-size\n');
    expect(csvTextOf(response(), file('kind\n', 'FIGURES.CSV', 'application/vnd.ms-excel'), 'report figures')).toBe(
      'kind\n',
    );
  });

  it('says what to fix when there is none, it is empty, too big, unreadable or not a CSV', () => {
    expect(csvTextOf(response(), undefined, 'report figures')).toEqual({
      status: 400,
      message: 'Choose a CSV file of report figures to upload',
    });
    expect(csvTextOf(response(), file(' \r\n'), 'report figures')).toEqual({
      status: 400,
      message: 'The selected file is empty: it must list the report figures',
    });
    expect(csvTextOf(response('too-big'), undefined, 'selected patients')).toEqual({
      status: 413,
      message: 'The selected file must be at most 2 MB: upload only the selected patients',
    });
    expect(csvTextOf(response('unreadable'), undefined, 'report figures')).toMatchObject({ status: 400 });
    const notCsv = { status: 415, message: expect.stringMatching(/^The selected file must be a CSV/) };
    expect(csvTextOf(response(), file('kind\n', 'figures.xlsx', 'application/octet-stream'), 'x')).toEqual(notCsv);
    expect(csvTextOf(response(), file(Buffer.from([0x50, 0x4b, 3, 4, 0, 0])), 'x')).toEqual(notCsv);
  });
});

describe('a page upload', () => {
  const run = async (text: Parameters<typeof submitUpload>[1], importer: (text: string) => Promise<string>) => {
    const seen: { status?: number; errors?: FormError[]; rejected?: RejectedRow[]; done?: string } = {};
    await submitUpload('figures-upload', text, importer, {
      again: async (status, errors, rejected) => void Object.assign(seen, { status, errors, rejected }),
      done: (result) => void (seen.done = result),
    });
    return seen;
  };

  it('goes on with what the import returns', async () => {
    expect(await run('kind\nlist-size\n', async () => '1 imported')).toEqual({ done: '1 imported' });
  });

  it('shows a refused file beside its input without calling the import', async () => {
    const importer = jest.fn();
    const seen = await run({ status: 415, message: 'The selected file must be a CSV' }, importer);
    expect(importer).not.toHaveBeenCalled();
    expect(seen).toEqual({
      status: 415,
      errors: [{ field: 'file', text: 'The selected file must be a CSV', href: '#figures-upload-file' }],
      rejected: undefined,
    });
  });

  it('names the first rejected rows in the summary and hands every one to the table', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ row: i + 2, field: 'kind', message: 'kind must be one of x' }));
    const seen = await run('kind\n', () => Promise.reject(rejectedUpload(rows)));
    expect(seen.status).toBe(422);
    expect(seen.rejected).toHaveLength(7);
    expect(seen.errors?.map((e) => [e.text, e.href])).toEqual([
      ['Nothing was imported: fix the 7 rejected rows and upload the file again', '#figures-upload-file'],
      ...[2, 3, 4, 5, 6].map((n) => [`Line ${n}, kind: kind must be one of x`, '#figures-upload-rejected']),
      ['and 2 more in the table of rejected rows', '#figures-upload-rejected'],
    ]);
  });

  it('shows a refusal without rows (a closed migration) beside the input, and lets a failure through', async () => {
    const closed = new ProblemException(409, { title: 'Closed', detail: 'The report figures cannot change.' });
    expect((await run('kind\n', () => Promise.reject(closed))).errors).toEqual([
      { field: 'file', text: 'The report figures cannot change.', href: '#figures-upload-file' },
    ]);
    await expect(run('kind\n', () => Promise.reject(new Error('bug')))).rejects.toThrow('bug');
  });
});
