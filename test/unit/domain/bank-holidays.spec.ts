import { readFileSync } from 'fs';
import { join } from 'path';
import {
  collectEnglandAndWalesBankHolidays,
  generateBankHolidayModule,
} from '../../../infra/scripts/generate-bank-holidays';
import { BANK_HOLIDAY_DATA_RANGE, ENGLAND_AND_WALES_BANK_HOLIDAYS } from '../../../libs/domain/src/calendar';

const CHECKED_IN_FILE = join(__dirname, '../../../libs/domain/src/calendar/england-wales-bank-holidays.ts');

// Published on gov.uk/bank-holidays (England and Wales).
const GOV_UK_2024_TO_2026 = [
  '2024-01-01',
  '2024-03-29',
  '2024-04-01',
  '2024-05-06',
  '2024-05-27',
  '2024-08-26',
  '2024-12-25',
  '2024-12-26',
  '2025-01-01',
  '2025-04-18',
  '2025-04-21',
  '2025-05-05',
  '2025-05-26',
  '2025-08-25',
  '2025-12-25',
  '2025-12-26',
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
];

describe('England and Wales bank holiday table', () => {
  it('matches what the generator produces from date-holidays today (regenerate if this fails)', () => {
    expect(readFileSync(CHECKED_IN_FILE, 'utf8')).toBe(generateBankHolidayModule());
  });

  it('lists exactly the gov.uk bank holidays for 2024 to 2026', () => {
    const listed = Object.keys(ENGLAND_AND_WALES_BANK_HOLIDAYS).filter((d) => d < '2027-01-01');
    expect(listed).toEqual(GOV_UK_2024_TO_2026);
  });

  it('names substitute days as gov.uk does', () => {
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS['2026-12-28']).toBe('Boxing Day (substitute day)');
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS['2027-12-27']).toBe('Christmas Day (substitute day)');
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS['2027-12-28']).toBe('Boxing Day (substitute day)');
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS['2028-01-03']).toBe("New Year's Day (substitute day)");
  });

  it('has Easter 2027 on 26 and 29 March', () => {
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS['2027-03-26']).toBe('Good Friday');
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS['2027-03-29']).toBe('Easter Monday');
  });

  it('leaves out weekend dates and observances such as Easter Sunday and Mother’s Day', () => {
    const weekendDates = Object.keys(ENGLAND_AND_WALES_BANK_HOLIDAYS).filter((date) =>
      [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay()),
    );
    expect(weekendDates).toEqual([]);
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS['2026-12-26']).toBeUndefined();
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS['2027-03-28']).toBeUndefined();
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS['2026-03-15']).toBeUndefined();
  });

  it('has eight bank holidays in every covered year and nothing outside the range', () => {
    expect(BANK_HOLIDAY_DATA_RANGE).toEqual({ firstYear: 2024, lastYear: 2035 });
    const perYear: Record<string, number> = {};
    for (const date of Object.keys(ENGLAND_AND_WALES_BANK_HOLIDAYS)) {
      perYear[date.slice(0, 4)] = (perYear[date.slice(0, 4)] ?? 0) + 1;
    }
    const expected: Record<string, number> = {};
    for (let year = BANK_HOLIDAY_DATA_RANGE.firstYear; year <= BANK_HOLIDAY_DATA_RANGE.lastYear; year++) {
      expected[String(year)] = 8;
    }
    expect(perYear).toEqual(expected);
  });

  it('takes each holiday’s London calendar date, not its UTC start instant', () => {
    // 2024-04-01 starts at 2024-03-31T23:00Z in BST; reading `start` would misplace every summer holiday.
    expect(collectEnglandAndWalesBankHolidays(2024, 2024).map((h) => h.date)).toContain('2024-04-01');
  });
});
