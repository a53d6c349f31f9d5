/** A calendar date (no time, no zone) written as 'YYYY-MM-DD'. */
export type IsoDate = string;

/** Year, month (1-12) and day of month of a calendar date. */
export interface DateParts {
  year: number;
  month: number;
  day: number;
}

const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Splits a 'YYYY-MM-DD' date into its parts; throws RangeError if it is malformed or not a real date. */
export function parseIsoDate(date: IsoDate): DateParts {
  const match = typeof date === 'string' ? ISO_DATE_PATTERN.exec(date) : null;
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const check = new Date(Date.UTC(year, month - 1, day));
    // Date.UTC silently rolls over (2026-02-30 becomes 2026-03-02) and maps years 0-99 to 1900-1999.
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) {
      return { year, month, day };
    }
  }
  throw new RangeError(`Not a valid ISO calendar date (YYYY-MM-DD): ${String(date)}`);
}

/** Formats the UTC calendar date of an epoch-millisecond instant as 'YYYY-MM-DD'. */
export function utcDateOf(epochMs: number): IsoDate {
  const date = new Date(epochMs);
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

/** Returns true if the value is a real calendar date in 'YYYY-MM-DD' form. */
export function isIsoDate(value: unknown): value is IsoDate {
  try {
    parseIsoDate(value as IsoDate);
    return true;
  } catch {
    return false;
  }
}
