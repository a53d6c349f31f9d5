import type { CheckResult, RecordCategory } from './vocabulary';
import { RECORD_CATEGORIES } from './vocabulary';

/** The pass thresholds of a data-check round, in percent. */
export interface DataCheckThresholds {
  completenessPercent: number;
  accuracyPercent: number;
}

/**
 * Defaults when a migration's policy names none: every expected item must be there (a missing allergy or
 * medication harms patients), and at least 98% of what is there must match (one cosmetic mismatch in a
 * small sample should not force a re-extract, but it is still an issue to fix).
 */
export const DEFAULT_DATA_CHECK_THRESHOLDS: DataCheckThresholds = { completenessPercent: 100, accuracyPercent: 98 };

/** One report figure: old system, test system, and how far apart they may be. */
export interface FigureComparisonInput {
  oldValue: number | null;
  newValue: number | null;
  /** Largest absolute difference still accepted; 0 means exact. */
  tolerance: number;
}

export interface FigureComparison {
  /** newValue − oldValue, or null until both are known. */
  difference: number | null;
  /** `pending` until both values are in. */
  result: 'pass' | 'fail' | 'pending';
}

/** Compares one figure of the old and the test system within its tolerance. */
export function compareFigure({ oldValue, newValue, tolerance }: FigureComparisonInput): FigureComparison {
  if (oldValue === null || newValue === null) return { difference: null, result: 'pending' };
  const difference = newValue - oldValue;
  return { difference, result: Math.abs(difference) <= tolerance ? 'pass' : 'fail' };
}

export interface RecordCheckFact {
  patientId: string;
  category: RecordCategory;
  round: number;
  result: CheckResult;
  /** A mismatch where the item is not in the test system at all (a completeness failure, not an accuracy one). */
  missing: boolean;
}

export interface FigureFact extends FigureComparisonInput {
  round: number;
  /** Which figure this is (kind and code, or name): a figure of an earlier round is expected again in later ones. */
  figureKey?: string;
}

/**
 * The figures a round must compare: its own, plus every figure an earlier round compared and this one has not
 * been given yet (old value and tolerance carried over, test-system value still to come). So a figure that failed
 * in round 1 cannot drop out of round 2's verdict by not being entered again.
 */
function figuresOfRound(figures: FigureFact[], round: number): FigureFact[] {
  const own = figures.filter((f) => f.round === round);
  const given = new Set(own.map((f) => f.figureKey));
  const carried = new Map<string, FigureFact>();
  for (const f of figures) {
    if (f.round >= round || f.figureKey === undefined || given.has(f.figureKey)) continue;
    const latest = carried.get(f.figureKey);
    if (!latest || latest.round < f.round) carried.set(f.figureKey, f);
  }
  return [...own, ...[...carried.values()].map((f) => ({ ...f, round, newValue: null }))];
}

/** How many figures of earlier rounds this round has not been given yet: its verdict waits for them. */
function carriedOver(figures: FigureFact[], round: number): number {
  return figuresOfRound(figures, round).filter((f) => !figures.includes(f)).length;
}

/**
 * Completeness and accuracy over a set of items (DMI20). Completeness: expected items that are present (applicable
 * record checks not missing, plus report figures within tolerance). Accuracy: present, checked record items that
 * match. A percentage is null when there is nothing to measure.
 */
export interface Measure {
  expected: number;
  present: number;
  completenessPercent: number | null;
  checked: number;
  matched: number;
  accuracyPercent: number | null;
}

export interface RoundFigures extends Measure {
  round: number;
  byCategory: Array<{ category: RecordCategory } & Measure>;
  reportFigures: { compared: number; withinTolerance: number; pending: number };
  /** Patient × category pairs of the selection without a result in this round. */
  unchecked: number;
  outcome: RoundVerdict;
}

export interface RoundVerdict {
  /** `incomplete` while checks are outstanding: no outcome can be sent yet. */
  outcome: 'passed' | 'failed' | 'incomplete';
  reasons: string[];
}

export interface DataCheckFigures extends Measure {
  thresholds: DataCheckThresholds;
  byCategory: Array<{ category: RecordCategory } & Measure>;
  byRound: RoundFigures[];
}

/** `part / whole` in percent, two decimals; null for an empty whole. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 10_000) / whole) / 100;
}

function measure(checks: RecordCheckFact[], figures: FigureFact[]): Measure {
  const applicable = checks.filter((c) => c.result !== 'not-applicable');
  const presentChecks = applicable.filter((c) => !(c.result === 'mismatch' && c.missing));
  const compared = figures.map(compareFigure).filter((f) => f.result !== 'pending');
  const expected = applicable.length + compared.length;
  const present = presentChecks.length + compared.filter((f) => f.result === 'pass').length;
  const matched = presentChecks.filter((c) => c.result === 'match').length;
  return {
    expected,
    present,
    completenessPercent: percent(present, expected),
    checked: presentChecks.length,
    matched,
    accuracyPercent: percent(matched, presentChecks.length),
  };
}

function byCategory(checks: RecordCheckFact[]) {
  return RECORD_CATEGORIES.map((category) => ({
    category,
    ...measure(
      checks.filter((c) => c.category === category),
      [],
    ),
  }));
}

/** True when `part / whole` reaches `thresholdPercent` (exactly, without rounding); an empty whole passes. */
function reaches(part: number, whole: number, thresholdPercent: number): boolean {
  return whole === 0 || part * 100 >= thresholdPercent * whole;
}

/** The outcome a round's figures give against the thresholds. */
export function roundVerdict(
  m: Measure,
  unchecked: number,
  selectedPatients: number,
  thresholds: DataCheckThresholds,
  pendingFigures = 0,
): RoundVerdict {
  const reasons: string[] = [];
  if (selectedPatients === 0) reasons.push('No patients are selected.');
  if (unchecked > 0) reasons.push(`${unchecked} patient and category checks have no result yet.`);
  if (pendingFigures > 0)
    reasons.push(`${pendingFigures} report figures of an earlier round are not compared again in this one yet.`);
  if (reasons.length) return { outcome: 'incomplete', reasons };
  if (!reaches(m.present, m.expected, thresholds.completenessPercent)) {
    reasons.push(`Completeness ${m.completenessPercent}% is below the ${thresholds.completenessPercent}% threshold.`);
  }
  if (!reaches(m.matched, m.checked, thresholds.accuracyPercent)) {
    reasons.push(`Accuracy ${m.accuracyPercent}% is below the ${thresholds.accuracyPercent}% threshold.`);
  }
  return { outcome: reasons.length ? 'failed' : 'passed', reasons };
}

export interface DataCheckFacts {
  /** Ids of the selected patients: every one is checked in every category of every round. */
  patientIds: string[];
  checks: RecordCheckFact[];
  figures: FigureFact[];
  /** Rounds to report: 1 up to the current round. */
  currentRound: number;
  thresholds: DataCheckThresholds;
}

/** Completeness and accuracy overall, per category and per round, and each round's outcome. */
export function computeDataCheckFigures(facts: DataCheckFacts): DataCheckFigures {
  const { patientIds, checks, figures, thresholds } = facts;
  const selected = new Set(patientIds);
  const relevant = checks.filter((c) => selected.has(c.patientId));
  const byRound: RoundFigures[] = [];
  for (let round = 1; round <= facts.currentRound; round++) {
    const roundChecks = relevant.filter((c) => c.round === round);
    const roundFigures = figuresOfRound(figures, round);
    const m = measure(roundChecks, roundFigures);
    const done = new Set(roundChecks.map((c) => `${c.patientId}|${c.category}`));
    const unchecked = selected.size * RECORD_CATEGORIES.length - done.size;
    const comparisons = roundFigures.map(compareFigure);
    byRound.push({
      round,
      ...m,
      byCategory: byCategory(roundChecks),
      reportFigures: {
        compared: comparisons.filter((c) => c.result !== 'pending').length,
        withinTolerance: comparisons.filter((c) => c.result === 'pass').length,
        pending: comparisons.filter((c) => c.result === 'pending').length,
      },
      unchecked,
      outcome: roundVerdict(m, unchecked, selected.size, thresholds, carriedOver(figures, round)),
    });
  }
  return { thresholds, ...measure(relevant, figures), byCategory: byCategory(relevant), byRound };
}
