import { BANK_HOLIDAY_DATA_RANGE, ENGLAND_AND_WALES_BANK_HOLIDAYS } from './england-wales-bank-holidays';
import { type IsoDate, parseIsoDate, utcDateOf } from './iso-date';

export type { IsoDate } from './iso-date';

const MS_PER_DAY = 86_400_000;

// Whole days since 1970-01-01 keep the arithmetic clear of time zones and DST.
function toDayNumber(date: IsoDate): number {
  const { year, month, day } = parseIsoDate(date);
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

function fromDayNumber(dayNumber: number): IsoDate {
  return utcDateOf(dayNumber * MS_PER_DAY);
}

function assertYearCovered(dayNumber: number): void {
  const year = new Date(dayNumber * MS_PER_DAY).getUTCFullYear();
  const { firstYear, lastYear } = BANK_HOLIDAY_DATA_RANGE;
  // Outside the table every weekday would look like a working day and deadlines would be silently wrong.
  if (year < firstYear || year > lastYear) {
    throw new RangeError(
      `No England and Wales bank holiday data for ${year} (covered: ${firstYear}-${lastYear}); regenerate england-wales-bank-holidays.ts`,
    );
  }
}

function isBankHolidayNumber(dayNumber: number): boolean {
  assertYearCovered(dayNumber);
  return Object.prototype.hasOwnProperty.call(ENGLAND_AND_WALES_BANK_HOLIDAYS, fromDayNumber(dayNumber));
}

function isWorkingDayNumber(dayNumber: number): boolean {
  // Day 0 (1970-01-01) was a Thursday; 0 = Sunday as in getUTCDay.
  const weekday = (((dayNumber + 4) % 7) + 7) % 7;
  if (weekday === 0 || weekday === 6) {
    assertYearCovered(dayNumber);
    return false;
  }
  return !isBankHolidayNumber(dayNumber);
}

function assertNonNegativeInteger(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
}

/** Returns true if the date is a bank holiday in England and Wales; throws RangeError outside the data range. */
export function isBankHoliday(date: IsoDate): boolean {
  return isBankHolidayNumber(toDayNumber(date));
}

/** Returns true for Monday to Friday except England and Wales bank holidays; throws RangeError outside the data range. */
export function isWorkingDay(date: IsoDate): boolean {
  return isWorkingDayNumber(toDayNumber(date));
}

/** Returns the date n working days after date; n = 0 returns date itself if it is a working day, else the next one. */
export function addWorkingDays(date: IsoDate, n: number): IsoDate {
  assertNonNegativeInteger(n);
  let dayNumber = toDayNumber(date);
  if (n === 0) {
    while (!isWorkingDayNumber(dayNumber)) dayNumber++;
    return fromDayNumber(dayNumber);
  }
  for (let remaining = n; remaining > 0;) {
    dayNumber++;
    if (isWorkingDayNumber(dayNumber)) remaining--;
  }
  return fromDayNumber(dayNumber);
}

/** Returns the date n working days before date; n = 0 returns date itself if it is a working day, else the previous one. */
export function subtractWorkingDays(date: IsoDate, n: number): IsoDate {
  assertNonNegativeInteger(n);
  let dayNumber = toDayNumber(date);
  if (n === 0) {
    while (!isWorkingDayNumber(dayNumber)) dayNumber--;
    return fromDayNumber(dayNumber);
  }
  for (let remaining = n; remaining > 0;) {
    dayNumber--;
    if (isWorkingDayNumber(dayNumber)) remaining--;
  }
  return fromDayNumber(dayNumber);
}

/** Returns the first working day strictly after date. */
export function nextWorkingDay(date: IsoDate): IsoDate {
  return addWorkingDays(date, 1);
}

/** Counts working days after from up to and including to; negative when to is before from. */
export function workingDaysBetween(from: IsoDate, to: IsoDate): number {
  const start = toDayNumber(from);
  const end = toDayNumber(to);
  if (end < start) return -workingDaysBetween(to, from);
  let count = 0;
  for (let dayNumber = start + 1; dayNumber <= end; dayNumber++) {
    if (isWorkingDayNumber(dayNumber)) count++;
  }
  return count;
}
