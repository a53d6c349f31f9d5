/** Task queue the worker polls for `idp` workflows and their activities, unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'idp';

/** The workflowId of a practice migration's IDP workflow: one per migration, so kickoff is idempotent. */
export const idpWorkflowId = (migrationId: string): string => `idp-${migrationId}`;
