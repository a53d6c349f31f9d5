import {
  ICB_CODE_PATTERN,
  isIcbCode,
  isPracticeOdsCode,
  isValidNhsNumber,
  maskNhsNumber,
  normaliseNhsNumber,
  PRACTICE_ODS_CODE_PATTERN,
} from '../../../libs/domain/src/identifiers';

describe('NHS number', () => {
  it('accepts a number with a correct modulus 11 check digit', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
  });

  it('rejects a number with the wrong check digit', () => {
    expect(isValidNhsNumber('9434765918')).toBe(false);
  });

  it('accepts check digit 0 when 11 - (sum mod 11) is 11', () => {
    // 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 0*3 + 8*2 = 286 = 26 * 11
    expect(isValidNhsNumber('9434765080')).toBe(true);
    expect(isValidNhsNumber('9434765081')).toBe(false);
  });

  it('rejects every number whose check digit would compute to 10', () => {
    // 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 6*2 = 309 = 28 * 11 + 1, so 11 - 1 = 10
    for (let last = 0; last <= 9; last++) expect(isValidNhsNumber(`943476596${last}`)).toBe(false);
  });

  it('requires exactly ten digits with no separators', () => {
    for (const bad of ['943476591', '94347659190', '943 476 5919', '943476591a', '', ' 9434765919']) {
      expect(isValidNhsNumber(bad)).toBe(false);
    }
  });

  it('normalises spaced or hyphenated input to ten digits', () => {
    expect(normaliseNhsNumber('943 476 5919')).toBe('9434765919');
    expect(normaliseNhsNumber('943-476-5919')).toBe('9434765919');
    expect(normaliseNhsNumber(' 9434765919 ')).toBe('9434765919');
    expect(normaliseNhsNumber('943 476 5918')).toBeNull();
    expect(normaliseNhsNumber('943.476.5919')).toBeNull();
    expect(normaliseNhsNumber('')).toBeNull();
  });

  it('masks all but the last four digits', () => {
    expect(maskNhsNumber('9434765919')).toBe('*** *** 5919');
    expect(maskNhsNumber('943 476 5919')).toBe('*** *** 5919');
  });

  it('masks malformed input completely', () => {
    expect(maskNhsNumber('94347659')).toBe('*** *** ****');
    expect(maskNhsNumber('not a number 9434765919x')).toBe('*** *** ****');
  });
});

describe('ODS codes', () => {
  it('recognises GP practice codes: one uppercase letter and five digits', () => {
    expect(isPracticeOdsCode('A81001')).toBe(true);
    expect(isPracticeOdsCode('Y00001')).toBe(true);
    for (const bad of ['a81001', 'A8100', 'A810011', 'AB1001', ' A81001', 'QHG', '']) {
      expect(isPracticeOdsCode(bad)).toBe(false);
    }
  });

  it('recognises ICB codes: Q and two uppercase letters or digits', () => {
    expect(isIcbCode('QHG')).toBe(true);
    expect(isIcbCode('Q1A')).toBe(true);
    for (const bad of ['qhg', 'QH', 'QHGX', 'RHG', 'A81001', '']) {
      expect(isIcbCode(bad)).toBe(false);
    }
  });

  it('exports reusable, stateless patterns for DTO validation', () => {
    expect(PRACTICE_ODS_CODE_PATTERN).toBeInstanceOf(RegExp);
    expect(ICB_CODE_PATTERN).toBeInstanceOf(RegExp);
    // A global or sticky flag would make .test() alternate between true and false on the same input.
    expect(PRACTICE_ODS_CODE_PATTERN.flags).toBe('');
    expect(ICB_CODE_PATTERN.flags).toBe('');
    expect([PRACTICE_ODS_CODE_PATTERN.test('A81001'), PRACTICE_ODS_CODE_PATTERN.test('A81001')]).toEqual([true, true]);
  });
});
