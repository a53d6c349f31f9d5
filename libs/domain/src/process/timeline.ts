import {
  addWorkingDays,
  isWorkingDay,
  londonDateOf,
  londonTimeToEpochMs,
  nextWorkingDay,
  subtractWorkingDays,
  workingDaysBetween,
  type IsoDate,
} from '../calendar';
import type { TimeScale } from './policy';

/**
 * Working-day arithmetic on instants (epoch ms), in real working days of England and Wales or in compressed
 * time. The workflow and the forecast only ever go through this, so both scales run the same process code.
 */
export interface Timeline {
  /** The instant a piece of work is due: the end of the working day `workingDays` after `fromMs`. */
  dueAfter(fromMs: number, workingDays: number): number;
  /** When to remind the owner `workingDaysBefore` the due day (0: the morning of the due day). */
  reminderAt(dueMs: number, workingDaysBefore: number): number;
  /** `workingDaysAfter` working days after a due instant. */
  afterDue(dueMs: number, workingDaysAfter: number): number;
  /** Working days from `aMs` to `bMs`: positive when b is later. */
  workingDaysBetween(aMs: number, bMs: number): number;
  /** A due instant moved by the working days that passed between `fromMs` and `toMs` (a pause). */
  shiftedBy(dueMs: number, fromMs: number, toMs: number): number;
  /** The instant a person's due date means: end of that working day (calendar) or the date's midnight UTC. */
  endOfDate(date: IsoDate): number;
}

const DAY_MS = 86_400_000;

/** A timeline for a policy's time scale. */
export function timelineFor(scale: TimeScale): Timeline {
  return scale.mode === 'compressed' ? compressedTimeline(scale.workingDayMs) : calendarTimeline(scale);
}

function calendarTimeline(scale: Extract<TimeScale, { mode: 'calendar' }>): Timeline {
  const endHour = scale.endOfDayHour ?? 17;
  const startHour = scale.startOfDayHour ?? 9;
  const workingDateOf = (ms: number): IsoDate => {
    const d = londonDateOf(ms);
    return isWorkingDay(d) ? d : nextWorkingDay(d);
  };
  const endOf = (d: IsoDate) => londonTimeToEpochMs(d, endHour);
  return {
    dueAfter: (fromMs, n) => endOf(addWorkingDays(workingDateOf(fromMs), n)),
    reminderAt: (dueMs, n) => londonTimeToEpochMs(subtractWorkingDays(londonDateOf(dueMs), n), startHour),
    afterDue: (dueMs, n) => (n === 0 ? dueMs : endOf(addWorkingDays(londonDateOf(dueMs), n))),
    workingDaysBetween: (a, b) => workingDaysBetween(londonDateOf(a), londonDateOf(b)),
    shiftedBy: (dueMs, from, to) => {
      const days = workingDaysBetween(londonDateOf(from), londonDateOf(to));
      return days > 0 ? endOf(addWorkingDays(londonDateOf(dueMs), days)) : dueMs;
    },
    endOfDate: (d) => endOf(isWorkingDay(d) ? d : nextWorkingDay(d)),
  };
}

function compressedTimeline(dayMs: number): Timeline {
  return {
    dueAfter: (fromMs, n) => fromMs + n * dayMs,
    // Half a day before the due instant stands for "the morning of the due day".
    reminderAt: (dueMs, n) => dueMs - (n + 0.5) * dayMs,
    afterDue: (dueMs, n) => dueMs + n * dayMs,
    workingDaysBetween: (a, b) => {
      const days = (b - a) / dayMs;
      return days >= 0 ? Math.ceil(days - 1e-9) : Math.floor(days + 1e-9);
    },
    shiftedBy: (dueMs, from, to) => dueMs + Math.max(0, to - from),
    endOfDate: (d) => Date.parse(`${d}T00:00:00Z`) + DAY_MS - 1,
  };
}
