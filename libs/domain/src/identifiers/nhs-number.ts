/*
 * NHS numbers are personal data: callers must not log them. maskNhsNumber exists for the rare message that has to
 * refer to one.
 */

const TEN_DIGITS = /^[0-9]{10}$/;
// People paste numbers as '943 476 5919' or '943-476-5919'.
const SEPARATORS = /[\s-]/g;

function checkDigitOf(firstNineDigits: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNineDigits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  // A remainder giving 10 has no single-digit check; such numbers are never issued.
  if (check === 10) return null;
  return check;
}

/** Returns true if s is exactly 10 digits (no separators) with a correct modulus 11 check digit. */
export function isValidNhsNumber(s: string): boolean {
  if (typeof s !== 'string' || !TEN_DIGITS.test(s)) return false;
  const expected = checkDigitOf(s.slice(0, 9));
  return expected !== null && expected === Number(s[9]);
}

/** Strips spaces and hyphens and returns the 10-digit NHS number, or null if the result is not a valid one. */
export function normaliseNhsNumber(s: string): string | null {
  if (typeof s !== 'string') return null;
  const digits = s.replace(SEPARATORS, '');
  return isValidNhsNumber(digits) ? digits : null;
}

/** Masks an NHS number as '*** *** 5919', showing only the last four digits; anything else is masked completely. */
export function maskNhsNumber(s: string): string {
  const digits = typeof s === 'string' ? s.replace(SEPARATORS, '') : '';
  // Showing part of malformed input could leak more than four digits of whatever it really is.
  return TEN_DIGITS.test(digits) ? `*** *** ${digits.slice(6)}` : '*** *** ****';
}
