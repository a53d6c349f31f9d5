export type { DateParts, IsoDate } from './iso-date';
export { isIsoDate, parseIsoDate, utcDateOf } from './iso-date';
export { BANK_HOLIDAY_DATA_RANGE, ENGLAND_AND_WALES_BANK_HOLIDAYS } from './england-wales-bank-holidays';
export {
  addWorkingDays,
  isBankHoliday,
  isWorkingDay,
  nextWorkingDay,
  subtractWorkingDays,
  workingDaysBetween,
} from './working-days';
export { isBritishSummerTime, londonDateOf, londonTimeToEpochMs } from './london-time';
