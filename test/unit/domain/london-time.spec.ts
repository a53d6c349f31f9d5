import { isBritishSummerTime, londonDateOf, londonTimeToEpochMs } from '../../../libs/domain/src/calendar';

const utc = (iso: string): number => Date.parse(iso);

describe('London time', () => {
  describe('isBritishSummerTime (2026: 29 March to 25 October, changing at 01:00 UTC)', () => {
    it.each([
      ['2026-03-29T00:59:59.999Z', false],
      ['2026-03-29T01:00:00.000Z', true],
      ['2026-07-01T12:00:00.000Z', true],
      ['2026-10-25T00:59:59.999Z', true],
      ['2026-10-25T01:00:00.000Z', false],
      ['2026-12-31T23:59:59.999Z', false],
    ])('%s -> %s', (instant, expected) => {
      expect(isBritishSummerTime(utc(instant))).toBe(expected);
    });
  });

  describe('londonDateOf', () => {
    it('gives the next day for late-evening UTC instants during BST', () => {
      expect(londonDateOf(utc('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
      expect(londonDateOf(utc('2026-03-29T23:30:00Z'))).toBe('2026-03-30');
      expect(londonDateOf(utc('2026-10-24T23:30:00Z'))).toBe('2026-10-25');
    });

    it('matches the UTC date in winter', () => {
      expect(londonDateOf(utc('2026-01-31T23:30:00Z'))).toBe('2026-01-31');
      expect(londonDateOf(utc('2026-03-28T23:30:00Z'))).toBe('2026-03-28');
      expect(londonDateOf(utc('2026-10-25T23:30:00Z'))).toBe('2026-10-25');
      expect(londonDateOf(utc('2026-12-31T23:59:59Z'))).toBe('2026-12-31');
    });

    it('rejects non-finite instants', () => {
      expect(() => londonDateOf(NaN)).toThrow(RangeError);
    });

    it('agrees with the IANA Europe/London zone every hour from 2024 to 2035', () => {
      // Intl is fine in a test; the library avoids it so workflow replays cannot depend on a worker's ICU data.
      const format = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });
      const mismatches: string[] = [];
      for (let t = utc('2024-01-01T00:00:00Z'); t < utc('2036-01-01T00:00:00Z'); t += 3_600_000) {
        if (londonDateOf(t) !== format.format(t)) mismatches.push(new Date(t).toISOString());
      }
      expect(mismatches).toEqual([]);
    });
  });

  describe('londonTimeToEpochMs', () => {
    it('puts 17:00 London at 16:00 UTC in summer and 17:00 UTC in winter', () => {
      expect(londonTimeToEpochMs('2026-07-15', 17)).toBe(utc('2026-07-15T16:00:00Z'));
      expect(londonTimeToEpochMs('2026-01-15', 17, 0)).toBe(utc('2026-01-15T17:00:00Z'));
    });

    it('handles the days either side of the March 2026 change', () => {
      expect(londonTimeToEpochMs('2026-03-28', 17)).toBe(utc('2026-03-28T17:00:00Z'));
      expect(londonTimeToEpochMs('2026-03-29', 17)).toBe(utc('2026-03-29T16:00:00Z'));
      expect(londonTimeToEpochMs('2026-03-29', 0, 30)).toBe(utc('2026-03-29T00:30:00Z'));
      expect(londonTimeToEpochMs('2026-03-29', 2)).toBe(utc('2026-03-29T01:00:00Z'));
    });

    it('moves a time in the skipped hour (01:30 on 29 March 2026) forward to 02:30 BST', () => {
      expect(londonTimeToEpochMs('2026-03-29', 1, 30)).toBe(utc('2026-03-29T01:30:00Z'));
    });

    it('handles the days either side of the October 2026 change', () => {
      expect(londonTimeToEpochMs('2026-10-24', 17)).toBe(utc('2026-10-24T16:00:00Z'));
      expect(londonTimeToEpochMs('2026-10-25', 17)).toBe(utc('2026-10-25T17:00:00Z'));
      expect(londonTimeToEpochMs('2026-10-25', 0, 30)).toBe(utc('2026-10-24T23:30:00Z'));
      expect(londonTimeToEpochMs('2026-10-25', 2)).toBe(utc('2026-10-25T02:00:00Z'));
    });

    it('picks the earlier instant for a time in the repeated hour (01:30 on 25 October 2026)', () => {
      expect(londonTimeToEpochMs('2026-10-25', 1, 30)).toBe(utc('2026-10-25T00:30:00Z'));
    });

    it('round-trips with londonDateOf for every hour of 2026', () => {
      const mismatches: string[] = [];
      for (let t = utc('2026-01-01T00:00:00Z'); t < utc('2027-01-01T00:00:00Z'); t += 86_400_000) {
        const date = new Date(t).toISOString().slice(0, 10);
        for (let hour = 0; hour < 24; hour++) {
          if (londonDateOf(londonTimeToEpochMs(date, hour)) !== date) mismatches.push(`${date} ${hour}:00`);
        }
      }
      expect(mismatches).toEqual([]);
    });

    it('rejects invalid dates and times', () => {
      expect(() => londonTimeToEpochMs('2026-02-30', 17)).toThrow(RangeError);
      expect(() => londonTimeToEpochMs('2026-06-01', 24)).toThrow(RangeError);
      expect(() => londonTimeToEpochMs('2026-06-01', -1)).toThrow(RangeError);
      expect(() => londonTimeToEpochMs('2026-06-01', 17, 60)).toThrow(RangeError);
      expect(() => londonTimeToEpochMs('2026-06-01', 17.5)).toThrow(RangeError);
    });
  });
});
