import type { MilestoneDefinition, MilestoneGraph } from './types';

/*
 * The IDP process as data. Read top to bottom, it is the checklist of the NHS England clinical system
 * migration guide (initial data production) with the Catalogue Solution Migration Process deadlines.
 * Adding or changing a milestone is a change here plus a new graph version; running migrations keep the
 * version they started with (see GRAPHS below).
 */
const V1_MILESTONES: MilestoneDefinition[] = [
  // 1. Suppliers exchange the initial data extract.
  {
    key: 'extractRequested',
    title: 'Initial data extract requested from the current supplier',
    phase: 'extract-exchange',
    owner: 'new-supplier',
    prerequisites: [],
    due: { workingDays: 5 },
    redoneOn: ['re-extract'],
    stage: 'preparing',
    supplierRequest: { kind: 'request-extract' },
  },
  {
    key: 'extractDelivered',
    title: 'Initial data extract delivered',
    phase: 'extract-exchange',
    owner: 'current-supplier',
    prerequisites: ['extractRequested'],
    due: { workingDays: 5 },
    redoneOn: ['re-extract'],
    stage: 'preparing',
    supplierRequest: { kind: 'request-extract' },
  },
  {
    key: 'subsidiaryExtractDelivered',
    title: 'Subsidiary system extract (e.g. document management) delivered',
    phase: 'extract-exchange',
    owner: 'current-supplier',
    prerequisites: ['extractRequested'],
    due: { workingDays: 5 },
    optional: true,
    redoneOn: ['re-extract'],
    stage: 'preparing',
    supplierRequest: { kind: 'request-extract' },
  },
  {
    key: 'extractReceived',
    title: 'Initial data extract received by the new supplier',
    phase: 'extract-exchange',
    owner: 'new-supplier',
    prerequisites: ['extractDelivered'],
    due: { workingDays: 1 },
    redoneOn: ['re-extract'],
    stage: 'preparing',
    supplierRequest: { kind: 'request-test-environment' },
  },
  {
    key: 'extractLoaded',
    title: 'Initial data extract loaded into the test system',
    phase: 'extract-exchange',
    owner: 'new-supplier',
    prerequisites: ['extractReceived'],
    due: { workingDays: 3 },
    redoneOn: ['re-extract', 're-transform'],
    stage: 'preparing',
    supplierRequest: { kind: 'request-test-environment' },
  },
  {
    key: 'subsidiaryExtractLoaded',
    title: 'Subsidiary system extract loaded',
    phase: 'extract-exchange',
    owner: 'new-supplier',
    prerequisites: ['subsidiaryExtractDelivered'],
    due: { workingDays: 3 },
    optional: true,
    redoneOn: ['re-extract', 're-transform'],
    stage: 'preparing',
    supplierRequest: { kind: 'request-test-environment' },
  },
  {
    key: 'testSystemAvailable',
    title: 'Test system available to the practice',
    phase: 'extract-exchange',
    owner: 'new-supplier',
    prerequisites: ['extractLoaded', 'subsidiaryExtractLoaded'],
    due: { workingDays: 2 },
    redoneOn: ['re-extract', 're-transform'],
    stage: 'preparing',
    supplierRequest: { kind: 'request-test-environment' },
  },
  // 2. Set up access to the new system.
  {
    key: 'adminUsersProvisioned',
    title: 'Admin logins (1 to 3) created for the practice',
    phase: 'access-setup',
    owner: 'new-supplier',
    prerequisites: [],
    due: { workingDays: 10 },
    requires: 'admin-users',
    stage: 'preparing',
    supplierRequest: { kind: 'provision-admin-users' },
  },
  {
    key: 'practiceUsersSetUp',
    title: 'Practice team users set up by the practice admins',
    phase: 'access-setup',
    owner: 'practice',
    prerequisites: ['adminUsersProvisioned'],
    due: { workingDays: 5 },
    stage: 'preparing',
  },
  // 3. Training.
  {
    key: 'trainingScheduled',
    title: 'Training scheduled',
    phase: 'training',
    owner: 'new-supplier',
    alsoReportableBy: ['delivery-partner'],
    prerequisites: [],
    due: { workingDays: 5 },
    requires: 'training-session',
    stage: 'preparing',
    supplierRequest: { kind: 'schedule-training' },
  },
  {
    key: 'usersTrained',
    title: 'Practice staff trained (at least one can navigate, find patients and set up users)',
    phase: 'training',
    owner: 'new-supplier',
    alsoReportableBy: ['delivery-partner'],
    prerequisites: ['trainingScheduled'],
    due: { workingDays: 10 },
    requires: 'trained-users',
    stage: 'preparing',
    supplierRequest: { kind: 'schedule-training' },
  },
  // 4. Check data against the test criteria: starts once the test system is live, admins exist and someone is trained.
  {
    key: 'testCriteriaProvided',
    title: 'Test criteria provided to the practice',
    phase: 'data-checking',
    owner: 'new-supplier',
    alsoReportableBy: ['delivery-partner'],
    prerequisites: ['testSystemAvailable', 'adminUsersProvisioned', 'usersTrained'],
    due: { workingDays: 2 },
    stage: 'data-checking',
    supplierRequest: { kind: 'request-test-criteria' },
  },
  {
    key: 'patientsSelected',
    title: 'Patients selected and QOF/target reports sent to the new supplier',
    phase: 'data-checking',
    owner: 'practice',
    alsoReportableBy: ['delivery-partner'],
    prerequisites: ['testCriteriaProvided'],
    due: { workingDays: 3 },
    stage: 'data-checking',
    supplierRequest: { kind: 'send-selected-patients-and-reports', on: 'done', to: 'new-supplier' },
  },
  {
    key: 'dataCheckRoundCompleted',
    title: 'Data check round completed and issues reported',
    phase: 'data-checking',
    owner: 'practice',
    prerequisites: ['patientsSelected', 'testSystemAvailable'],
    due: { workingDays: 5, recheckWorkingDays: 3 },
    redoneOn: ['re-extract', 're-transform'],
    stage: 'data-checking',
  },
  {
    key: 'dataCheckPassed',
    title: 'Data check passed',
    phase: 'data-checking',
    owner: 'practice',
    alsoReportableBy: ['delivery-partner'],
    prerequisites: ['dataCheckRoundCompleted'],
    due: { workingDays: 1 },
    completedBy: 'round-outcome',
    redoneOn: ['re-extract', 're-transform'],
    stage: 'data-checking',
  },
  {
    key: 'signedOff',
    title: 'Data check signed off by the clinical lead',
    phase: 'data-checking',
    owner: 'practice',
    prerequisites: ['dataCheckPassed'],
    // The whole checking-and-transformation window is at most 6 weeks from the first extract request.
    due: { workingDays: 2, cap: { afterFirstCompletionOf: 'extractRequested', workingDays: 30 } },
    completedBy: 'sign-off',
    stage: 'awaiting-sign-off',
  },
];

/** Every graph version ever released; a running migration keeps the version it started with. */
export const GRAPHS: Readonly<Record<number, MilestoneGraph>> = {
  1: { version: 1, milestones: V1_MILESTONES, terminal: 'signedOff' },
};

/** The graph version new migrations start with. */
export const CURRENT_GRAPH_VERSION = 1;

/** The graph of a given version; throws for a version this code does not know. */
export function graphFor(version: number = CURRENT_GRAPH_VERSION): MilestoneGraph {
  const graph = GRAPHS[version];
  if (!graph) throw new RangeError(`Unknown milestone graph version ${version}`);
  return graph;
}

/** Problems in a graph's structure (unknown prerequisites, cycles, duplicate keys); empty when sound. */
export function checkGraph(graph: MilestoneGraph): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const m of graph.milestones) {
    if (keys.has(m.key)) problems.push(`duplicate milestone key ${m.key}`);
    keys.add(m.key);
  }
  for (const m of graph.milestones) {
    for (const p of m.prerequisites) if (!keys.has(p)) problems.push(`${m.key} depends on unknown ${p}`);
    if (m.due?.cap && !keys.has(m.due.cap.afterFirstCompletionOf)) problems.push(`${m.key} caps on unknown milestone`);
  }
  if (!keys.has(graph.terminal)) problems.push(`terminal milestone ${graph.terminal} is not in the graph`);
  // Prerequisites must come earlier in the list: the list order is then a topological order the engine relies on.
  const seen = new Set<string>();
  for (const m of graph.milestones) {
    for (const p of m.prerequisites) if (keys.has(p) && !seen.has(p)) problems.push(`${m.key} is listed before ${p}`);
    seen.add(m.key);
  }
  return problems;
}
