/** What the practice checks in each selected record (DOMAIN.md, IDP checklist step 4). */
export const RECORD_CATEGORIES = [
  'demographics-and-registration',
  'problems',
  'medication',
  'allergies',
  'immunisations',
  'consultations',
  'results',
  'recalls',
  'referrals',
  'documents',
  'appointments',
  'tasks',
] as const;
export type RecordCategory = (typeof RECORD_CATEGORIES)[number];

/** The answer for one patient and category in one round. */
export const CHECK_RESULTS = ['match', 'mismatch', 'not-applicable'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

/** How a patient came to be selected: for a test criterion, or at random. */
export const SELECTION_REASONS = ['criterion', 'random'] as const;
export type SelectionReason = (typeof SELECTION_REASONS)[number];

/** Kinds of report figure compared between the old and the test system. */
export const FIGURE_KINDS = ['list-size', 'qof-register', 'target', 'other'] as const;
export type FigureKind = (typeof FIGURE_KINDS)[number];

/**
 * QOF disease registers by their indicator-group code (QOF 2024/25 and recent years); a figure for any other
 * register is refused, since a typo would otherwise compare two unrelated counts.
 */
export const QOF_REGISTERS: Readonly<Record<string, string>> = {
  AF: 'Atrial fibrillation',
  AST: 'Asthma',
  CAN: 'Cancer',
  CHD: 'Coronary heart disease',
  CKD: 'Chronic kidney disease',
  COPD: 'Chronic obstructive pulmonary disease',
  DEM: 'Dementia',
  DEP: 'Depression',
  DM: 'Diabetes mellitus',
  EP: 'Epilepsy',
  HF: 'Heart failure',
  HYP: 'Hypertension',
  LD: 'Learning disability',
  MH: 'Mental health',
  NDH: 'Non-diabetic hyperglycaemia',
  OB: 'Obesity',
  OST: 'Osteoporosis',
  PAD: 'Peripheral arterial disease',
  PC: 'Palliative care',
  RA: 'Rheumatoid arthritis',
  SMOK: 'Smoking',
  STIA: 'Stroke and transient ischaemic attack',
};

/** Target reports the practice compares, by code. */
export const TARGET_REPORTS: Readonly<Record<string, string>> = {
  'cervical-screening-25-49': 'Cervical screening, women aged 25–49',
  'cervical-screening-50-64': 'Cervical screening, women aged 50–64',
  'childhood-immunisations-2y': 'Childhood immunisations, age 2',
  'childhood-immunisations-5y': 'Childhood immunisations, age 5',
};

export const ISSUE_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type IssueSeverity = (typeof ISSUE_SEVERITIES)[number];

/** Issue lifecycle: open → fixed-by-supplier → re-checked → closed; a failed re-check reopens it. */
export const ISSUE_STATUSES = ['open', 'fixed-by-supplier', 're-checked', 'closed'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/** Issue categories: the record categories plus the reports and anything else. */
export const ISSUE_CATEGORIES = [...RECORD_CATEGORIES, 'reports', 'other'] as const;
export type IssueCategory = (typeof ISSUE_CATEGORIES)[number];
