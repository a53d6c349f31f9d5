export { isValidNhsNumber, maskNhsNumber, normaliseNhsNumber } from './nhs-number';
export { ICB_CODE_PATTERN, isIcbCode, isPracticeOdsCode, PRACTICE_ODS_CODE_PATTERN } from './ods';
