import {
  addWorkingDays,
  isBankHoliday,
  isIsoDate,
  isWorkingDay,
  nextWorkingDay,
  subtractWorkingDays,
  workingDaysBetween,
} from '../../../libs/domain/src/calendar';

describe('working days in England and Wales', () => {
  describe('isBankHoliday / isWorkingDay', () => {
    it('treats 28 December 2026 as a bank holiday (Boxing Day falls on a Saturday)', () => {
      expect(isBankHoliday('2026-12-28')).toBe(true);
      expect(isWorkingDay('2026-12-28')).toBe(false);
    });

    it('treats both 27 and 28 December 2027 as bank holidays (Christmas on a weekend)', () => {
      expect(isWorkingDay('2027-12-27')).toBe(false);
      expect(isWorkingDay('2027-12-28')).toBe(false);
      expect(isWorkingDay('2027-12-29')).toBe(true);
    });

    it('treats Good Friday and Easter Monday 2027 (26 and 29 March) as non-working days', () => {
      expect(isWorkingDay('2027-03-25')).toBe(true);
      expect(isWorkingDay('2027-03-26')).toBe(false);
      expect(isWorkingDay('2027-03-29')).toBe(false);
      expect(isWorkingDay('2027-03-30')).toBe(true);
    });

    it('treats weekends as non-working days but not as bank holidays', () => {
      expect(isWorkingDay('2026-06-13')).toBe(false);
      expect(isWorkingDay('2026-06-14')).toBe(false);
      expect(isBankHoliday('2026-06-13')).toBe(false);
      expect(isWorkingDay('2026-06-15')).toBe(true);
    });

    it('refuses years without bank holiday data rather than guessing', () => {
      expect(() => isWorkingDay('2023-12-29')).toThrow(RangeError);
      expect(() => isWorkingDay('2036-01-02')).toThrow(RangeError);
      expect(() => isWorkingDay('2036-01-05')).toThrow(/2036/);
      expect(() => isBankHoliday('2036-12-25')).toThrow(RangeError);
      expect(isWorkingDay('2024-01-02')).toBe(true);
      expect(isWorkingDay('2035-12-31')).toBe(true);
    });

    it('rejects malformed or impossible dates', () => {
      for (const bad of [
        '2026-02-29',
        '2026-13-01',
        '2026-1-5',
        '20260105',
        '2026-01-05T00:00:00Z',
        '',
        ' 2026-01-05',
      ]) {
        expect(() => isWorkingDay(bad)).toThrow(RangeError);
      }
      expect(isIsoDate('2028-02-29')).toBe(true);
      expect(isIsoDate('2026-02-29')).toBe(false);
      expect(isIsoDate(20260105)).toBe(false);
    });
  });

  describe('addWorkingDays', () => {
    it('puts the 5-working-day extract deadline for a request on Friday 18 December 2026 on Tuesday 29 December', () => {
      // Mon 21, Tue 22, Wed 23, Thu 24 count; Fri 25 (Christmas), the weekend and Mon 28 (substitute) do not.
      expect(addWorkingDays('2026-12-18', 5)).toBe('2026-12-29');
    });

    it('skips Easter: 2 working days after Thursday 2 April 2026 is Wednesday 8 April', () => {
      expect(addWorkingDays('2026-04-02', 1)).toBe('2026-04-07');
      expect(addWorkingDays('2026-04-02', 2)).toBe('2026-04-08');
    });

    it('counts from a non-working start as if from that day', () => {
      expect(addWorkingDays('2026-06-13', 1)).toBe('2026-06-15');
      expect(addWorkingDays('2026-12-25', 1)).toBe('2026-12-29');
    });

    it('with n = 0 returns the day itself if it is a working day, else the next working day', () => {
      expect(addWorkingDays('2026-12-24', 0)).toBe('2026-12-24');
      expect(addWorkingDays('2026-12-25', 0)).toBe('2026-12-29');
      expect(addWorkingDays('2027-12-25', 0)).toBe('2027-12-29');
    });

    it('crosses month and year ends', () => {
      expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
      expect(addWorkingDays('2028-02-28', 1)).toBe('2028-02-29');
    });

    it('rejects negative or fractional n, and running off the end of the data', () => {
      expect(() => addWorkingDays('2026-06-15', -1)).toThrow(RangeError);
      expect(() => addWorkingDays('2026-06-15', 1.5)).toThrow(RangeError);
      expect(() => addWorkingDays('2026-06-15', NaN)).toThrow(RangeError);
      expect(addWorkingDays('2035-12-28', 1)).toBe('2035-12-31');
      expect(() => addWorkingDays('2035-12-28', 2)).toThrow(RangeError);
    });
  });

  describe('nextWorkingDay', () => {
    it('is the first working day strictly after the date', () => {
      expect(nextWorkingDay('2026-06-15')).toBe('2026-06-16');
      expect(nextWorkingDay('2026-06-12')).toBe('2026-06-15');
      expect(nextWorkingDay('2026-12-24')).toBe('2026-12-29');
      expect(nextWorkingDay('2027-12-24')).toBe('2027-12-29');
    });
  });

  describe('subtractWorkingDays', () => {
    it('goes back over holidays and weekends', () => {
      expect(subtractWorkingDays('2026-12-29', 1)).toBe('2026-12-24');
      expect(subtractWorkingDays('2026-12-29', 5)).toBe('2026-12-18');
      expect(subtractWorkingDays('2026-04-07', 1)).toBe('2026-04-02');
    });

    it('with n = 0 returns the day itself if it is a working day, else the previous working day', () => {
      expect(subtractWorkingDays('2026-12-24', 0)).toBe('2026-12-24');
      expect(subtractWorkingDays('2026-12-28', 0)).toBe('2026-12-24');
    });

    it('rejects negative n and running off the start of the data', () => {
      expect(() => subtractWorkingDays('2026-06-15', -2)).toThrow(RangeError);
      expect(() => subtractWorkingDays('2024-01-02', 1)).toThrow(RangeError);
    });
  });

  describe('workingDaysBetween', () => {
    it('counts working days after the first date up to and including the second', () => {
      expect(workingDaysBetween('2026-12-18', '2026-12-29')).toBe(5);
      expect(workingDaysBetween('2026-12-18', '2026-12-28')).toBe(4);
      expect(workingDaysBetween('2026-06-15', '2026-06-15')).toBe(0);
      expect(workingDaysBetween('2026-06-12', '2026-06-14')).toBe(0);
    });

    it('is negative when the second date is earlier', () => {
      expect(workingDaysBetween('2026-12-29', '2026-12-18')).toBe(-5);
    });

    it('finds 253 working days in 2026', () => {
      expect(workingDaysBetween('2025-12-31', '2026-12-31')).toBe(253);
    });

    it('agrees with addWorkingDays and subtractWorkingDays for every working day of the covered years', () => {
      const mismatches: string[] = [];
      for (let d = addWorkingDays('2024-01-02', 0); d < '2035-12-01'; d = nextWorkingDay(d)) {
        for (const n of [0, 1, 2, 5, 10]) {
          const later = addWorkingDays(d, n);
          if (workingDaysBetween(d, later) !== n || subtractWorkingDays(later, n) !== d) mismatches.push(`${d}+${n}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  });
});
