import { DEFAULT_DATA_CHECK_THRESHOLDS, type DataCheckThresholds } from '../data-checking/figures';
import type { Role } from './types';

export type TimeScale =
  /** Real working days of England and Wales; due at the end of the working day, London time. */
  | { mode: 'calendar'; endOfDayHour?: number; startOfDayHour?: number }
  /** Compressed time for tests and demos: one working day lasts `workingDayMs`, every day works. */
  | { mode: 'compressed'; workingDayMs: number };

export interface EscalationStep {
  afterDueWorkingDays: number;
  /** Roles told at this step; `owner` stands for the milestone's owning role. */
  notify: Array<Role | 'owner'>;
}

/** Every duration and threshold the IDP workflow uses: an input of each migration, never a constant in code. */
export interface ProcessPolicy {
  time: TimeScale;
  /** Reminders to the owner this many working days before the due day (0 = on the due day). */
  remindBeforeDueWorkingDays: number[];
  escalation: EscalationStep[];
  /** Data-check rounds allowed before the ICB is told (DOMAIN.md: at most 5). */
  maxRounds: number;
  /** Fewer trained users than this makes a warning to the practice and delivery partner. */
  minTrainedUsers: number;
  /** The forecast go-live must move by at least this many working days before a new delay notice goes out. */
  delayNoticeThresholdWorkingDays: number;
  /**
   * Completeness and accuracy a data-check round must reach to pass. Optional: migrations started before it
   * existed carry policies without it; read it with `dataCheckThresholdsOf`.
   */
  dataCheckThresholds?: DataCheckThresholds;
}

/** The policy of a real migration: working days of England and Wales, reminders 2 days before and on the day. */
export const DEFAULT_POLICY: ProcessPolicy = {
  time: { mode: 'calendar', startOfDayHour: 9, endOfDayHour: 17 },
  remindBeforeDueWorkingDays: [2, 0],
  escalation: [
    { afterDueWorkingDays: 0, notify: ['owner'] },
    { afterDueWorkingDays: 2, notify: ['owner', 'delivery-partner'] },
    { afterDueWorkingDays: 5, notify: ['owner', 'delivery-partner', 'icb'] },
  ],
  maxRounds: 5,
  minTrainedUsers: 2,
  delayNoticeThresholdWorkingDays: 1,
  dataCheckThresholds: DEFAULT_DATA_CHECK_THRESHOLDS,
};

/** A policy's data-check pass thresholds, with the defaults for what it does not say. */
export function dataCheckThresholdsOf(policy: ProcessPolicy): DataCheckThresholds {
  return { ...DEFAULT_DATA_CHECK_THRESHOLDS, ...policy.dataCheckThresholds };
}

/** The same policy with compressed time, so a whole IDP runs in seconds or minutes (tests, demo). */
export function compressedPolicy(workingDayMs: number, overrides: Partial<ProcessPolicy> = {}): ProcessPolicy {
  return { ...DEFAULT_POLICY, ...overrides, time: { mode: 'compressed', workingDayMs } };
}
