import { normaliseNhsNumber } from '../identifiers';
import { FIGURE_KINDS, QOF_REGISTERS, TARGET_REPORTS, type FigureKind, type SelectionReason } from './vocabulary';

/** One thing wrong with one row of an upload (or one figure of a request): which field, and what to fix. */
export interface RowRejection {
  /** 1-based line number in the file, counting the header as line 1; absent for a single request. */
  row?: number;
  field: string;
  message: string;
}

/** A report figure as entered: the values are numbers when known, null when left for the other side to give. */
export interface FigureEntry {
  kind: FigureKind;
  /** The QOF register or target report code; null for list size and other figures. */
  code: string | null;
  /** Display name; defaults from the code for registers and targets, required for `other`. */
  name: string;
  oldValue: number | null;
  newValue: number | null;
  tolerance: number | null;
}

export interface RawFigure {
  kind?: unknown;
  code?: unknown;
  name?: unknown;
  oldValue?: unknown;
  newValue?: unknown;
  tolerance?: unknown;
}

const COUNT_MESSAGE = 'must be a whole number from 0';

function count(value: unknown, field: string, errors: RowRejection[]): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    errors.push({ field, message: `${field} ${COUNT_MESSAGE}` });
    return null;
  }
  return n;
}

/**
 * Validates one report figure (from JSON or a CSV row): a known kind; a known QOF register or target code where
 * the kind needs one; a name for `other`; counts that are whole numbers; at least one value.
 */
export function validateFigure(raw: RawFigure): { figure?: FigureEntry; errors: RowRejection[] } {
  const errors: RowRejection[] = [];
  const kind = typeof raw.kind === 'string' ? raw.kind.trim() : '';
  if (!(FIGURE_KINDS as readonly string[]).includes(kind)) {
    errors.push({ field: 'kind', message: `kind must be one of ${FIGURE_KINDS.join(', ')}` });
    return { errors };
  }
  const rawCode = typeof raw.code === 'string' ? raw.code.trim() : '';
  const rawName = typeof raw.name === 'string' ? raw.name.trim() : '';
  let code: string | null = null;
  let name = rawName;
  if (kind === 'qof-register') {
    code = rawCode.toUpperCase();
    if (!QOF_REGISTERS[code]) {
      errors.push({
        field: 'code',
        message: `code must be a QOF register: ${Object.keys(QOF_REGISTERS).join(', ')}`,
      });
    } else name ||= `${QOF_REGISTERS[code]} register`;
  } else if (kind === 'target') {
    code = rawCode.toLowerCase();
    if (!TARGET_REPORTS[code]) {
      errors.push({
        field: 'code',
        message: `code must be a target report: ${Object.keys(TARGET_REPORTS).join(', ')}`,
      });
    } else name ||= TARGET_REPORTS[code];
  } else if (rawCode) {
    errors.push({ field: 'code', message: `code is only for qof-register and target figures` });
  }
  if (kind === 'list-size') name ||= 'Registered list size';
  if (kind === 'other' && !name) errors.push({ field: 'name', message: 'name is required for an other figure' });
  if (name.length > 200) errors.push({ field: 'name', message: 'name must be at most 200 characters' });
  const oldValue = count(raw.oldValue, 'oldValue', errors);
  const newValue = count(raw.newValue, 'newValue', errors);
  const tolerance = count(raw.tolerance, 'tolerance', errors);
  const noValue =
    (raw.oldValue === undefined || raw.oldValue === null || raw.oldValue === '') &&
    (raw.newValue === undefined || raw.newValue === null || raw.newValue === '');
  if (noValue) errors.push({ field: 'oldValue', message: 'give oldValue, newValue or both' });
  if (errors.length) return { errors };
  return { figure: { kind: kind as FigureKind, code, name, oldValue, newValue, tolerance }, errors };
}

/** The identity of a figure within a round: its kind and code, or its name for `other`. */
export function figureKey(f: Pick<FigureEntry, 'kind' | 'code' | 'name'>): string {
  return f.kind === 'other' ? `other:${f.name.toLowerCase()}` : `${f.kind}:${f.code ?? ''}`;
}

/** A selected patient as uploaded: the NHS number (validated, digits only) and why they were selected. */
export interface PatientRow {
  row: number;
  nhsNumber: string;
  criterionCode: string | null;
  reason: SelectionReason;
}

// Headers a practice's clinical system search export uses for these columns (EMIS, SystmOne, Vision), compared
// after lower-casing and dropping everything but letters and digits.
const NHS_NUMBER_HEADERS = ['nhsnumber', 'nhsno', 'nhs'];
const CRITERION_HEADERS = ['criterion', 'criterionid', 'testcriterion', 'criteria'];
const compact = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Validates a patient list: a header row naming an NHS number column (other columns, such as names, are ignored
 * and never stored) and optionally a criterion column; each NHS number valid by modulus 11 and not repeated in the
 * file; each criterion one of `criteria` (blank means a random pick). Rejections never repeat the NHS number.
 */
export function validatePatientRows(
  rows: string[][],
  criteria: ReadonlySet<string>,
): { patients: PatientRow[]; rejected: RowRejection[] } {
  const [header = [], ...body] = rows;
  const headers = header.map(compact);
  const nhsColumn = headers.findIndex((h) => NHS_NUMBER_HEADERS.includes(h));
  const criterionColumn = headers.findIndex((h) => CRITERION_HEADERS.includes(h));
  if (nhsColumn < 0) {
    return {
      patients: [],
      rejected: [{ row: 1, field: 'header', message: 'The first line must name an "NHS number" column.' }],
    };
  }
  const patients: PatientRow[] = [];
  const rejected: RowRejection[] = [];
  const firstLine = new Map<string, number>();
  body.forEach((cells, index) => {
    const row = index + 2;
    if (cells.every((c) => c.trim() === '')) return;
    const nhsNumber = normaliseNhsNumber(cells[nhsColumn] ?? '');
    const criterion = criterionColumn < 0 ? '' : (cells[criterionColumn] ?? '').trim();
    let ok = true;
    if (!nhsNumber) {
      rejected.push({ row, field: 'NHS number', message: 'Not a valid NHS number (10 digits, modulus 11 check).' });
      ok = false;
    } else if (firstLine.has(nhsNumber)) {
      rejected.push({
        row,
        field: 'NHS number',
        message: `The same patient is already on line ${firstLine.get(nhsNumber)}.`,
      });
      ok = false;
    }
    if (criterion && !criteria.has(criterion)) {
      rejected.push({ row, field: 'criterion', message: `No test criterion ${criterion} in this migration.` });
      ok = false;
    }
    if (nhsNumber && !firstLine.has(nhsNumber)) firstLine.set(nhsNumber, row);
    if (ok && nhsNumber) {
      patients.push({ row, nhsNumber, criterionCode: criterion || null, reason: criterion ? 'criterion' : 'random' });
    }
  });
  return { patients, rejected };
}

const FIGURE_HEADERS: Record<string, keyof RawFigure> = {
  kind: 'kind',
  code: 'code',
  register: 'code',
  name: 'name',
  oldvalue: 'oldValue',
  old: 'oldValue',
  oldsystem: 'oldValue',
  newvalue: 'newValue',
  new: 'newValue',
  testsystem: 'newValue',
  tolerance: 'tolerance',
};

/** Validates report figures from a CSV with a header row (kind, code, name, old value, new value, tolerance). */
export function validateFigureRows(rows: string[][]): {
  figures: Array<FigureEntry & { row: number }>;
  rejected: RowRejection[];
} {
  const [header = [], ...body] = rows;
  const columns = header.map((h) => FIGURE_HEADERS[compact(h)]);
  if (!columns.includes('kind')) {
    return {
      figures: [],
      rejected: [{ row: 1, field: 'header', message: 'The first line must name the columns, including "kind".' }],
    };
  }
  const figures: Array<FigureEntry & { row: number }> = [];
  const rejected: RowRejection[] = [];
  const firstLine = new Map<string, number>();
  body.forEach((cells, index) => {
    const row = index + 2;
    if (cells.every((c) => c.trim() === '')) return;
    const raw: RawFigure = {};
    columns.forEach((column, i) => {
      // Our CSV downloads put a quote before a cell a spreadsheet would run as a formula: it comes back as text.
      if (column) raw[column] = (cells[i] ?? '').replace(/^'(?=[=+\-@\t\r])/, '');
    });
    // A figure listed without any value (a row of the fill-in template left empty) records nothing: left out.
    if ([raw.oldValue, raw.newValue, raw.tolerance].every((v) => v === undefined || String(v).trim() === '')) return;
    const { figure, errors } = validateFigure(raw);
    rejected.push(...errors.map((e) => ({ ...e, row })));
    if (!figure) return;
    const key = figureKey(figure);
    if (firstLine.has(key)) {
      rejected.push({ row, field: 'code', message: `The same figure is already on line ${firstLine.get(key)}.` });
      return;
    }
    firstLine.set(key, row);
    figures.push({ ...figure, row });
  });
  return { figures, rejected };
}
