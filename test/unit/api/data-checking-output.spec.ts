import { toCsv } from '../../../apps/api/src/data-checking/csv';
import { declarationText } from '../../../apps/api/src/data-checking/sign-off.service';
import { canonicalJson } from '../../../apps/api/src/data-checking/sign-off-pack.service';

describe('toCsv', () => {
  it('quotes what CSV needs quoted, writes booleans as yes/no and keeps numbers as numbers', () => {
    expect(
      toCsv([
        ['name', 'assisted', 'difference'],
        ['Smith, "Jo"', true, -1],
      ]),
    ).toBe('name,assisted,difference\n"Smith, ""Jo""",yes,-1\n');
  });

  it('neutralises free text a spreadsheet would run as a formula', () => {
    expect(toCsv([['=HYPERLINK("http://x")', '+1', '@SUM(A1)', '-2 mg', 'safe']])).toBe(
      `"'=HYPERLINK(""http://x"")",'+1,'@SUM(A1),'-2 mg,safe\n`,
    );
  });
});

describe('canonicalJson', () => {
  it('gives the same text whatever the key order, leaving out undefined', () => {
    const a = canonicalJson({ b: 1, a: { d: [2, { z: null, y: 'x' }], c: undefined } });
    const b = canonicalJson({ a: { d: [2, { y: 'x', z: null }] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{"a":{"d":[2,{"y":"x","z":null}]},"b":1}');
  });
});

describe('declarationText', () => {
  it('names the practice, what cannot be migrated and each open issue accepted', () => {
    expect(declarationText('Dr Amira Shah', 'Riverside Surgery (A81001)', [2, 5], 'Appointments before 2019')).toBe(
      'I, Dr Amira Shah, clinical lead of Riverside Surgery (A81001), have reviewed the checks of the test system ' +
        'against the current system. I understand what cannot be migrated: Appointments before 2019; I accept the 2 ' +
        'issues still open (#2, #5); and I sign off the initial data production.',
    );
    expect(declarationText('Dr Shah', 'X (A81001)', [])).toContain('I accept that no issue is open');
  });
});
