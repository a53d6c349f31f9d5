import {
  compareFigure,
  computeDataCheckFigures,
  DEFAULT_DATA_CHECK_THRESHOLDS,
  RECORD_CATEGORIES,
  roundVerdict,
  type RecordCheckFact,
} from '../../../../libs/domain/src/data-checking';
import { compressedPolicy, dataCheckThresholdsOf, DEFAULT_POLICY } from '../../../../libs/domain/src/process';

/** Every category of `patientId` in `round` as a match, then the given overrides. */
function checksFor(
  patientId: string,
  round: number,
  overrides: Partial<Record<string, Partial<RecordCheckFact>>> = {},
) {
  return RECORD_CATEGORIES.map((category): RecordCheckFact => ({
    patientId,
    category,
    round,
    result: 'match',
    missing: false,
    ...overrides[category],
  }));
}

describe('compareFigure', () => {
  it('passes an exact match and fails any difference when the tolerance is 0 (the default)', () => {
    expect(compareFigure({ oldValue: 5230, newValue: 5230, tolerance: 0 })).toEqual({ difference: 0, result: 'pass' });
    expect(compareFigure({ oldValue: 5230, newValue: 5229, tolerance: 0 })).toEqual({ difference: -1, result: 'fail' });
  });

  it('passes a difference up to the tolerance either way, and fails one beyond it', () => {
    expect(compareFigure({ oldValue: 100, newValue: 103, tolerance: 3 })).toEqual({ difference: 3, result: 'pass' });
    expect(compareFigure({ oldValue: 100, newValue: 97, tolerance: 3 })).toEqual({ difference: -3, result: 'pass' });
    expect(compareFigure({ oldValue: 100, newValue: 96, tolerance: 3 })).toEqual({ difference: -4, result: 'fail' });
  });

  it('is pending until both systems have a value', () => {
    expect(compareFigure({ oldValue: 10, newValue: null, tolerance: 0 })).toEqual({
      difference: null,
      result: 'pending',
    });
  });
});

describe('computeDataCheckFigures', () => {
  const thresholds = { completenessPercent: 100, accuracyPercent: 90 };

  it('computes completeness and accuracy by hand-checkable counts, per category and per round', () => {
    // Round 1: 2 patients × 12 categories = 24 results. Patient A: allergies missing from the test system,
    // medication present but different. Patient B: appointments not applicable. Figures: list size exact (pass),
    // AF register 1 out with tolerance 0 (fail), a pending one (not counted).
    const checks = [
      ...checksFor('A', 1, {
        allergies: { result: 'mismatch', missing: true },
        medication: { result: 'mismatch' },
      }),
      ...checksFor('B', 1, { appointments: { result: 'not-applicable' } }),
      // A check of a patient no longer selected counts for nothing.
      ...checksFor('Z', 1),
    ];
    const figures = [
      { round: 1, oldValue: 5230, newValue: 5230, tolerance: 0 },
      { round: 1, oldValue: 88, newValue: 87, tolerance: 0 },
      { round: 1, oldValue: 40, newValue: null, tolerance: 0 },
    ];
    const result = computeDataCheckFigures({ patientIds: ['A', 'B'], checks, figures, currentRound: 1, thresholds });

    // Applicable checks: 24 − 1 N/A = 23; present: 23 − 1 missing = 22; figures compared 2, within tolerance 1.
    // Completeness = (22 + 1) / (23 + 2) = 23/25 = 92%. Accuracy = matched 21 / present 22 = 95.45%.
    const round1 = result.byRound[0];
    expect(round1).toMatchObject({
      round: 1,
      expected: 25,
      present: 23,
      completenessPercent: 92,
      checked: 22,
      matched: 21,
      accuracyPercent: 95.45,
      unchecked: 0,
      reportFigures: { compared: 2, withinTolerance: 1, pending: 1 },
    });
    expect(round1.outcome).toEqual({
      outcome: 'failed',
      reasons: ['Completeness 92% is below the 100% threshold.'],
    });
    // Allergies: 2 applicable, 1 present, 1 matched → completeness 50%, accuracy 100%.
    expect(round1.byCategory.find((c) => c.category === 'allergies')).toMatchObject({
      expected: 2,
      present: 1,
      completenessPercent: 50,
      checked: 1,
      matched: 1,
      accuracyPercent: 100,
    });
    // Medication: 2 present, 1 matched → accuracy 50%. Appointments: 1 applicable (B is N/A).
    expect(result.byCategory.find((c) => c.category === 'medication')).toMatchObject({ accuracyPercent: 50 });
    expect(result.byCategory.find((c) => c.category === 'appointments')).toMatchObject({ expected: 1, matched: 1 });
  });

  it('expects a figure of an earlier round again: it cannot drop out of a later round by not being entered', () => {
    const checks = [...checksFor('A', 1), ...checksFor('A', 2)];
    const failedFigure = { round: 1, figureKey: 'qof-register:AF', oldValue: 88, newValue: 87, tolerance: 0 };
    const without = computeDataCheckFigures({
      patientIds: ['A'],
      checks,
      figures: [failedFigure],
      currentRound: 2,
      thresholds,
    });
    expect(without.byRound.map((r) => r.outcome.outcome)).toEqual(['failed', 'incomplete']);
    expect(without.byRound[1]!.reportFigures).toEqual({ compared: 0, withinTolerance: 0, pending: 1 });
    const fixed = computeDataCheckFigures({
      patientIds: ['A'],
      checks,
      figures: [failedFigure, { ...failedFigure, round: 2, newValue: 88 }],
      currentRound: 2,
      thresholds,
    });
    expect(fixed.byRound.map((r) => r.outcome.outcome)).toEqual(['failed', 'passed']);
  });

  it('passes a round that reaches both thresholds, and keeps rounds apart', () => {
    const checks = [
      ...checksFor('A', 1, { problems: { result: 'mismatch', missing: true } }),
      ...checksFor('A', 2, { results: { result: 'mismatch' } }),
    ];
    const result = computeDataCheckFigures({ patientIds: ['A'], checks, figures: [], currentRound: 2, thresholds });
    expect(result.byRound.map((r) => r.outcome.outcome)).toEqual(['failed', 'passed']);
    // Round 2: 12 present, 11 matched = 91.67% ≥ 90%.
    expect(result.byRound[1]).toMatchObject({ completenessPercent: 100, accuracyPercent: 91.67 });
    // Overall, both rounds: expected 24, present 23 (95.83%); checked 23, matched 22 (95.65%).
    expect(result).toMatchObject({ expected: 24, present: 23, completenessPercent: 95.83, accuracyPercent: 95.65 });
  });

  it('compares with the threshold exactly, not after rounding', () => {
    const m = (checked: number, matched: number) => ({
      expected: checked,
      present: checked,
      completenessPercent: 100,
      checked,
      matched,
      accuracyPercent: null,
    });
    // 49 of 50 is 98% exactly: passes a 98% threshold. 97 of 99 is 97.98%, shown rounded as 97.98: fails it.
    expect(roundVerdict(m(50, 49), 0, 5, DEFAULT_DATA_CHECK_THRESHOLDS).outcome).toBe('passed');
    expect(roundVerdict(m(99, 97), 0, 5, DEFAULT_DATA_CHECK_THRESHOLDS).outcome).toBe('failed');
  });

  it('gives no outcome while a selected patient has categories without a result, or nobody is selected', () => {
    const partial = computeDataCheckFigures({
      patientIds: ['A', 'B'],
      checks: checksFor('A', 1),
      figures: [],
      currentRound: 1,
      thresholds,
    });
    expect(partial.byRound[0]).toMatchObject({
      unchecked: 12,
      outcome: { outcome: 'incomplete', reasons: ['12 patient and category checks have no result yet.'] },
    });
    const none = computeDataCheckFigures({ patientIds: [], checks: [], figures: [], currentRound: 1, thresholds });
    expect(none.byRound[0].outcome.outcome).toBe('incomplete');
    expect(none.completenessPercent).toBeNull();
  });
});

describe('pass thresholds in the policy', () => {
  it('default to 100% completeness and 98% accuracy, also for a policy carried from before they existed', () => {
    expect(dataCheckThresholdsOf(DEFAULT_POLICY)).toEqual({ completenessPercent: 100, accuracyPercent: 98 });
    const { dataCheckThresholds: _, ...old } = DEFAULT_POLICY;
    expect(dataCheckThresholdsOf(old)).toEqual({ completenessPercent: 100, accuracyPercent: 98 });
    const own = compressedPolicy(1000, { dataCheckThresholds: { completenessPercent: 99, accuracyPercent: 95 } });
    expect(dataCheckThresholdsOf(own)).toEqual({ completenessPercent: 99, accuracyPercent: 95 });
  });
});
