/** Why the process refused a command; `type` is stable so the API can map it to an HTTP status. */
export type RejectionType =
  | 'UnknownMilestone'
  | 'MilestoneNotIncluded'
  | 'NotMilestoneOwner'
  | 'NotPermitted'
  | 'PrerequisitesNotMet'
  | 'MilestoneAlreadyCompleted'
  | 'WrongCommandForMilestone'
  | 'InvalidPayload'
  | 'MigrationClosed'
  | 'MigrationPaused'
  | 'MigrationNotPaused'
  | 'RoundNotReady';

export class ProcessRejection extends Error {
  constructor(
    public readonly type: RejectionType,
    message: string,
  ) {
    super(message);
    this.name = 'ProcessRejection';
  }
}
