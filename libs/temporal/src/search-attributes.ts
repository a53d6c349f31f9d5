import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes of an `idp` workflow. They make the portfolio filterable in Temporal itself
 * (Temporal UI, `temporal workflow list --query`), next to the Postgres read model.
 */
export const IdpSearchAttributes = {
  stage: defineSearchAttributeKey('IdpStage', SearchAttributeType.KEYWORD),
  icbCode: defineSearchAttributeKey('IcbCode', SearchAttributeType.KEYWORD),
  practiceOdsCode: defineSearchAttributeKey('PracticeOdsCode', SearchAttributeType.KEYWORD),
  atRisk: defineSearchAttributeKey('IdpAtRisk', SearchAttributeType.BOOL),
  forecastGoLive: defineSearchAttributeKey('ForecastGoLive', SearchAttributeType.DATETIME),
} as const;

/** Name → type, in the form `temporal server start-dev --search-attribute NAME=Type` and the operator API take. */
export const searchAttributeRegistrations: ReadonlyArray<{ name: string; cliType: string }> = [
  { name: 'IdpStage', cliType: 'Keyword' },
  { name: 'IcbCode', cliType: 'Keyword' },
  { name: 'PracticeOdsCode', cliType: 'Keyword' },
  { name: 'IdpAtRisk', cliType: 'Bool' },
  { name: 'ForecastGoLive', cliType: 'Datetime' },
];
