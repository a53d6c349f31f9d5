import { HttpException, HttpStatus } from '@nestjs/common';

export interface FieldProblem {
  field: string;
  message: string;
}

/** An RFC 9457 problem details body: the one error shape of the API. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldProblem[];
  /** A stable machine-readable reason, e.g. the workflow's rejection type. */
  code?: string;
}

/** An HTTP error carrying a problem details body; `retryAfterSeconds` adds a Retry-After header. */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    public readonly problem: Omit<ProblemDetails, 'status' | 'type'> & { type?: string },
    public readonly retryAfterSeconds?: number,
  ) {
    super(problem.detail, status);
  }
}

export const problemType = (slug: string): string => `https://idp-orchestrator.dev/problems/${slug}`;
