import { HttpStatus } from '@nestjs/common';
import {
  isGrpcServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ProblemException, problemType } from './problem';

const REJECTION_STATUS: Record<string, HttpStatus> = {
  UnknownMilestone: HttpStatus.NOT_FOUND,
  MilestoneNotIncluded: HttpStatus.UNPROCESSABLE_ENTITY,
  NotMilestoneOwner: HttpStatus.FORBIDDEN,
  NotPermitted: HttpStatus.FORBIDDEN,
  PrerequisitesNotMet: HttpStatus.CONFLICT,
  MilestoneAlreadyCompleted: HttpStatus.CONFLICT,
  WrongCommandForMilestone: HttpStatus.UNPROCESSABLE_ENTITY,
  InvalidPayload: HttpStatus.UNPROCESSABLE_ENTITY,
  MigrationClosed: HttpStatus.CONFLICT,
  MigrationPaused: HttpStatus.CONFLICT,
  MigrationNotPaused: HttpStatus.CONFLICT,
  RoundNotReady: HttpStatus.CONFLICT,
};

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P03',
  '08006',
  '08001',
  // query_canceled: Postgres cut a statement at DATABASE_QUERY_TIMEOUT_MS (statement_timeout).
  '57014',
]);

/** True for errors that mean "a dependency is down right now" (Temporal or Postgres), as opposed to a bug. */
export function isUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: string; name?: string; driverError?: { code?: string } };
  if (isGrpcServiceError(error)) return [4, 14].includes(Number(e.code)); // DEADLINE_EXCEEDED, UNAVAILABLE
  // An update that got no answer before the deadline: Temporal (or every worker) is unreachable.
  if (
    error instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
    e?.name === 'WorkflowUpdateRPCTimeoutOrCancelledError'
  )
    return true;
  if (e?.name === 'ServiceError' || e?.name === 'TransportError') return true;
  if (typeof e?.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (e?.driverError?.code && UNAVAILABLE_CODES.has(e.driverError.code)) return true;
  const message = e?.message ?? '';
  // pg's own errors carry no code: a connection lost mid-query, a pool that cannot connect in time, a client
  // whose connection failed while it was checked out (a transaction under way when Postgres went down), or no
  // answer within DATABASE_QUERY_TIMEOUT_MS (a frozen Postgres).
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Failed to connect|transport error|Connection refused|is not queryable|Query read timeout/i.test(
    message,
  );
}

/** Maps what Temporal said about an update or query to an HTTP problem; rethrows what it does not recognise. */
export function temporalProblem(error: unknown): ProblemException {
  if (error instanceof WorkflowNotFoundError || (error as Error)?.name === 'WorkflowNotFoundError') {
    return new ProblemException(HttpStatus.NOT_FOUND, {
      title: 'Migration not found',
      detail: 'No such migration.',
      type: problemType('not-found'),
    });
  }
  if (error instanceof WorkflowUpdateFailedError || (error as Error)?.name === 'WorkflowUpdateFailedError') {
    const cause = (error as WorkflowUpdateFailedError).cause as { type?: string; message?: string } | undefined;
    const code = cause?.type ?? 'Rejected';
    return new ProblemException(REJECTION_STATUS[code] ?? HttpStatus.UNPROCESSABLE_ENTITY, {
      title: 'The process refused this change',
      detail: cause?.message ?? 'The request was refused.',
      code,
      type: problemType(code.replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase())),
    });
  }
  if (isUnavailable(error)) return unavailableProblem('The workflow engine (Temporal)');
  throw error;
}

/** A 503 with Retry-After for a dependency that is down. */
export function unavailableProblem(what: string): ProblemException {
  return new ProblemException(
    HttpStatus.SERVICE_UNAVAILABLE,
    {
      title: 'Service temporarily unavailable',
      detail: `${what} cannot be reached right now; nothing was changed. Try again shortly.`,
      type: problemType('unavailable'),
    },
    5,
  );
}
