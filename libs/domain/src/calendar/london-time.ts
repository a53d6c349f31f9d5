import { type IsoDate, parseIsoDate, utcDateOf } from './iso-date';

/*
 * Europe/London without Intl: workflow code must give the same answer on every worker, whatever its ICU data or TZ
 * variable. The rule coded here (BST from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
 * October) has applied since 1996 and is fixed by the Summer Time Order 2002.
 */

const MS_PER_HOUR = 3_600_000;

function lastSundayAtOneUtc(year: number, monthIndex: number): number {
  // Day 0 of the following month is the last day of this one.
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0));
  return Date.UTC(year, monthIndex, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/** Returns true if British Summer Time (UTC+1) is in force in London at the given instant. */
export function isBritishSummerTime(epochMs: number): boolean {
  if (!Number.isFinite(epochMs)) throw new RangeError(`epochMs must be a finite number, got ${epochMs}`);
  // BST never spans a year boundary, so the UTC year identifies the right pair of transitions.
  const year = new Date(epochMs).getUTCFullYear();
  return epochMs >= lastSundayAtOneUtc(year, 2) && epochMs < lastSundayAtOneUtc(year, 9);
}

/** Returns the calendar date in Europe/London at the given instant. */
export function londonDateOf(epochMs: number): IsoDate {
  return utcDateOf(epochMs + (isBritishSummerTime(epochMs) ? MS_PER_HOUR : 0));
}

/**
 * Returns the instant at which London wall-clock time reads hour:minute on date (e.g. 17:00 for end of working day).
 * 01:xx on the day clocks go forward does not exist and resolves to 02:xx BST; 01:xx on the day clocks go back occurs
 * twice and resolves to the earlier (BST) instant, matching JavaScript Date and Temporal's 'compatible' mode.
 */
export function londonTimeToEpochMs(date: IsoDate, hour: number, minute = 0): number {
  const { year, month, day } = parseIsoDate(date);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`hour must be 0-23, got ${hour}`);
  if (!Number.isInteger(minute) || minute < 0 || minute > 59)
    throw new RangeError(`minute must be 0-59, got ${minute}`);
  const wallClockAsUtc = Date.UTC(year, month - 1, day, hour, minute);
  const ifBst = wallClockAsUtc - MS_PER_HOUR;
  return isBritishSummerTime(ifBst) ? ifBst : wallClockAsUtc;
}
