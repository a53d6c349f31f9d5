import {
  issueTransitionRefusal,
  validateFigure,
  validateFigureRows,
  validatePatientRows,
} from '../../../../libs/domain/src/data-checking';

describe('validatePatientRows', () => {
  const criteria = new Set(['TC-01', 'TC-02']);

  it('takes the NHS number and criterion columns of a search export, ignoring the rest', () => {
    const rows = [
      ['Surname', 'NHS Number', 'Test criterion'],
      ['Smith', '943 476 5919', 'TC-01'],
      ['Jones', '9434765870', ''],
      ['', '', ''],
    ];
    expect(validatePatientRows(rows, criteria)).toEqual({
      patients: [
        { row: 2, nhsNumber: '9434765919', criterionCode: 'TC-01', reason: 'criterion' },
        { row: 3, nhsNumber: '9434765870', criterionCode: null, reason: 'random' },
      ],
      rejected: [],
    });
  });

  it('rejects invalid and repeated NHS numbers and unknown criteria, row by row, without echoing the number', () => {
    const rows = [
      ['nhs_number', 'criterion'],
      ['9434765918', 'TC-01'],
      ['9434765919', 'TC-09'],
      ['9434765870', ''],
      ['943-476-5870', 'TC-02'],
    ];
    const { patients, rejected } = validatePatientRows(rows, criteria);
    expect(patients.map((p) => p.row)).toEqual([4]);
    expect(rejected).toEqual([
      { row: 2, field: 'NHS number', message: 'Not a valid NHS number (10 digits, modulus 11 check).' },
      { row: 3, field: 'criterion', message: 'No test criterion TC-09 in this migration.' },
      { row: 5, field: 'NHS number', message: 'The same patient is already on line 4.' },
    ]);
    expect(JSON.stringify(rejected)).not.toMatch(/943/);
  });

  it('needs a header naming the NHS number column', () => {
    expect(validatePatientRows([['9434765919']], criteria).rejected).toEqual([
      { row: 1, field: 'header', message: 'The first line must name an "NHS number" column.' },
    ]);
  });
});

describe('validateFigure', () => {
  it('names registers and targets from their codes and reads counts', () => {
    expect(validateFigure({ kind: 'qof-register', code: 'af', oldValue: '88' })).toEqual({
      figure: {
        kind: 'qof-register',
        code: 'AF',
        name: 'Atrial fibrillation register',
        oldValue: 88,
        newValue: null,
        tolerance: null,
      },
      errors: [],
    });
    expect(validateFigure({ kind: 'list-size', newValue: 5230, tolerance: 5 }).figure).toMatchObject({
      name: 'Registered list size',
      newValue: 5230,
      tolerance: 5,
    });
  });

  it('refuses an unknown register, a missing name, negative or fractional counts, and no values at all', () => {
    expect(validateFigure({ kind: 'qof-register', code: 'XYZ', oldValue: 1 }).errors[0]).toMatchObject({
      field: 'code',
    });
    expect(validateFigure({ kind: 'other', oldValue: 1 }).errors).toEqual([
      { field: 'name', message: 'name is required for an other figure' },
    ]);
    expect(validateFigure({ kind: 'list-size', oldValue: -1, newValue: 2.5 }).errors.map((e) => e.field)).toEqual([
      'oldValue',
      'newValue',
    ]);
    expect(validateFigure({ kind: 'list-size' }).errors).toEqual([
      { field: 'oldValue', message: 'give oldValue, newValue or both' },
    ]);
    expect(validateFigure({ kind: 'bogus' }).errors[0].field).toBe('kind');
  });
});

describe('validateFigureRows', () => {
  it('leaves out a row that gives no value (a template row not filled in) and reads back a quoted formula-like name', () => {
    const { figures, rejected } = validateFigureRows([
      ['kind', 'code', 'name', 'old value', 'new value', 'tolerance'],
      ['list-size', '', 'Registered list size', '', '', ''],
      ['other', '', "'-ve balances", '3', '4', ''],
    ]);
    expect(rejected).toEqual([]);
    expect(figures).toEqual([expect.objectContaining({ row: 3, kind: 'other', name: '-ve balances', oldValue: 3 })]);
  });

  it('validates each row and refuses the same figure twice', () => {
    const rows = [
      ['Kind', 'Code', 'Name', 'Old value', 'New value', 'Tolerance'],
      ['list-size', '', '', '5230', '5230', ''],
      ['qof-register', 'HYP', '', '812', '', ''],
      ['qof-register', 'NOPE', '', '1', '', ''],
      ['qof-register', 'hyp', '', '1', '', ''],
    ];
    const { figures, rejected } = validateFigureRows(rows);
    expect(figures.map((f) => [f.row, f.code])).toEqual([
      [2, null],
      [3, 'HYP'],
    ]);
    expect(rejected.map((r) => [r.row, r.field])).toEqual([
      [4, 'code'],
      [5, 'code'],
    ]);
  });
});

describe('issueTransitionRefusal', () => {
  it('lets the supplier mark a fix and the practice re-check and close', () => {
    expect(issueTransitionRefusal('open', 'fixed-by-supplier', 'new-supplier')).toBeUndefined();
    expect(issueTransitionRefusal('fixed-by-supplier', 're-checked', 'practice')).toBeUndefined();
    expect(issueTransitionRefusal('re-checked', 'closed', 'delivery-partner')).toBeUndefined();
  });

  it('refuses a supplier closing its own fix, and a jump the lifecycle does not have', () => {
    expect(issueTransitionRefusal('fixed-by-supplier', 'closed', 'new-supplier')).toMatch(
      /can move to re-checked or open/,
    );
    expect(issueTransitionRefusal('re-checked', 'fixed-by-supplier', 'new-supplier')).toMatch(
      /not to fixed-by-supplier/,
    );
    expect(issueTransitionRefusal('open', 'fixed-by-supplier', 'practice')).toBe(
      'Moving an issue from open to fixed-by-supplier is for the new-supplier or current-supplier.',
    );
  });
});
