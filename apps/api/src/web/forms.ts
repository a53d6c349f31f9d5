import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ProblemException } from '../common/problem';
import { flatten } from '../common/validation';
import type { FileRefusal } from './uploads';

/** One error as the NHS error summary and the field's error message show it. */
export interface FormError {
  field: string;
  text: string;
  href: string;
}

const fieldId = (field: string) => field.replace(/[[\].]+/g, '-').replace(/-$/, '');

/**
 * A form's fields checked by the same DTO class as the API's JSON body, so both doors refuse the same input with
 * the same words (one message per field). Empty fields count as not given.
 */
export async function validateForm<T extends object>(
  dto: new () => T,
  plain: Record<string, unknown>,
): Promise<{ value: T; errors: FormError[] }> {
  const given = Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== '' && v !== undefined));
  const value = plainToInstance(dto, given, { exposeDefaultValues: true });
  const problems = flatten(await validate(value, { whitelist: true, forbidUnknownValues: false }));
  // class-validator runs a field's rules bottom-up, so its last message is the first-declared, most basic rule (is
  // it given, is it a whole number): the one to fix first, rather than "must not be greater than 100" for "lots".
  // A required field left empty is simply missing: say so, not that it "must be a string". (Nested fields come
  // from lists the page builds itself, never from an empty input.)
  const missing = (field: string) => /^\w+$/.test(field) && !(field in given);
  const first = new Map(problems.map((p) => [p.field, missing(p.field) ? `${p.field} is required` : p.message]));
  return { value, errors: [...first].map(([field, text]) => ({ field, text, href: `#${fieldId(field)}` })) };
}

/** A refusal by a service (the process, access rules) as the one error of a form; rethrows anything else. */
export function refusalOf(error: unknown, field = 'form'): FormError[] {
  if (error instanceof ProblemException && error.getStatus() < 500) {
    const fromFields = error.problem.errors?.map((e) => ({
      field: e.field,
      text: e.message,
      href: `#${fieldId(e.field)}`,
    }));
    return fromFields?.length ? fromFields : [{ field, text: error.problem.detail, href: `#${field}` }];
  }
  throw error;
}

/**
 * What every page form does: check the fields with the API's DTO, run the service, then either go on (`done`:
 * flash and redirect) or show the page again (`again`) with the DTO's errors (400) or the service's refusal (its
 * status; an error that is not a refusal propagates to the error page).
 */
export async function submitForm<T extends object>(
  dto: new () => T,
  fields: Record<string, unknown>,
  run: (value: T) => Promise<unknown>,
  outcome: {
    again: (status: number, errors: FormError[]) => Promise<void>;
    done: () => void;
    /** Where a refusal without field errors is shown. */
    refusalField?: string;
  },
): Promise<void> {
  const { value, errors } = await validateForm(dto, fields);
  if (errors.length) return outcome.again(400, errors);
  try {
    await run(value);
  } catch (error) {
    const refusal = refusalOf(error, outcome.refusalField);
    return outcome.again((error as ProblemException).getStatus(), refusal);
  }
  outcome.done();
}

/** A row of an uploaded file that was refused: its line (the header is line 1), its column and what to fix. */
export interface RejectedRow {
  row: number;
  field: string;
  message: string;
}

/** Rows named one by one in the error summary; the form's table lists every one. */
const ROWS_IN_SUMMARY = 5;

/**
 * What every page upload does: the file's CSV text (or what is wrong with the file itself) goes to the service's
 * import, which parses it and judges every row as for the API; then on (`done`) or the page again (`again`) with
 * the refusal, and every rejected row when there are some. `id` is the form's: its file input is `<id>-file` and
 * its table of rejected rows `<id>-rejected`.
 */
export async function submitUpload<T>(
  id: string,
  text: string | FileRefusal,
  run: (text: string) => Promise<T>,
  outcome: {
    again: (status: number, errors: FormError[], rejected?: RejectedRow[]) => Promise<void>;
    done: (result: T) => void;
  },
): Promise<void> {
  if (typeof text !== 'string') {
    return outcome.again(text.status, [{ field: 'file', text: text.message, href: `#${id}-file` }]);
  }
  let result: T;
  try {
    result = await run(text);
  } catch (error) {
    const refusal = refusalOf(error, 'file').map((e) => ({ ...e, field: 'file', href: `#${id}-file` }));
    const status = (error as ProblemException).getStatus();
    const { rejected } = (error as ProblemException).problem as { rejected?: RejectedRow[] };
    if (!rejected?.length) return outcome.again(status, refusal);
    const count = rejected.length === 1 ? 'the rejected row' : `the ${rejected.length} rejected rows`;
    const rows = rejected.slice(0, ROWS_IN_SUMMARY).map((r) => ({
      field: `row-${r.row}-${r.field}`,
      text: `Line ${r.row}, ${r.field}: ${r.message}`,
      href: `#${id}-rejected`,
    }));
    const more = rejected.length - rows.length;
    return outcome.again(
      status,
      [
        {
          field: 'file',
          text: `Nothing was imported: fix ${count} and upload the file again`,
          href: `#${id}-file`,
        },
        ...rows,
        ...(more
          ? [{ field: 'rows', text: `and ${more} more in the table of rejected rows`, href: `#${id}-rejected` }]
          : []),
      ],
      rejected,
    );
  }
  outcome.done(result);
}

/** Errors keyed by field, for each input's own message. */
export const byField = (errors: FormError[]) => Object.fromEntries(errors.map((e) => [e.field, e.text]));
