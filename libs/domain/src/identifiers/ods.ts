/** GP practice ODS code: one uppercase letter and five digits, e.g. A81001. */
export const PRACTICE_ODS_CODE_PATTERN = /^[A-Z][0-9]{5}$/;

/** Integrated care board (ICB) ODS code: Q and two uppercase letters or digits, e.g. QHG. */
export const ICB_CODE_PATTERN = /^Q[A-Z0-9]{2}$/;

/** Returns true if s is a GP practice ODS code such as A81001. */
export function isPracticeOdsCode(s: string): boolean {
  return typeof s === 'string' && PRACTICE_ODS_CODE_PATTERN.test(s);
}

/** Returns true if s is an ICB ODS code such as QHG. */
export function isIcbCode(s: string): boolean {
  return typeof s === 'string' && ICB_CODE_PATTERN.test(s);
}
