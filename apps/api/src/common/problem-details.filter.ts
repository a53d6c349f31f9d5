import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isUnavailable, unavailableProblem } from './error-mapping';
import { ProblemException, problemType, type ProblemDetails } from './problem';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorised',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  429: 'Too many requests',
};

/**
 * Every error leaves the API as `application/problem+json` (RFC 9457). A dependency outage becomes 503 with
 * Retry-After; anything unrecognised is a bug: logged with its stack, answered 500 without internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    let error = exception;
    if (!(error instanceof HttpException) && isUnavailable(error))
      error = unavailableProblem('A service the API depends on');
    const { problem, retryAfter } = this.toProblem(error);
    problem.instance = req.originalUrl?.split('?')[0];
    // A 503 is a dependency that is down (a health report among them), not a bug: no stack for it.
    if (problem.status >= 500 && problem.status !== 503 && !(error instanceof ProblemException)) {
      this.logger.error({
        msg: 'unhandled error',
        path: problem.instance,
        error: exception instanceof Error ? exception.stack : String(exception),
      });
    }
    if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
    res.status(problem.status).type('application/problem+json').json(problem);
  }

  private toProblem(error: unknown): { problem: ProblemDetails; retryAfter?: number } {
    if (error instanceof ProblemException) {
      const status = error.getStatus();
      return {
        problem: {
          type: error.problem.type ?? problemType(String(status)),
          status,
          ...error.problem,
          title: error.problem.title ?? TITLES[status],
        },
        retryAfter: error.retryAfterSeconds,
      };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse() as string | { message?: string | string[]; error?: string };
      if (typeof body === 'object' && 'details' in body && 'info' in body) {
        // A health report from terminus keeps its own documented shape: which dependency is down.
        return {
          problem: {
            ...(body as object),
            type: problemType('unhealthy'),
            title: 'Unhealthy',
            status,
            detail: 'A dependency is down.',
          },
        };
      }
      const messages =
        typeof body === 'string'
          ? [body]
          : Array.isArray(body.message)
            ? body.message
            : [body.message ?? error.message];
      // body-parser's own errors (malformed JSON, too large) arrive as HttpExceptions with a plain message.
      return {
        problem: {
          type: problemType(String(status)),
          title: TITLES[status] ?? 'Error',
          status,
          detail: messages.join('; '),
        },
      };
    }
    const e = error as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.parse.failed') {
      return {
        problem: { type: problemType('400'), title: TITLES[400], status: 400, detail: 'The body is not valid JSON.' },
      };
    }
    if (e?.type === 'entity.too.large') {
      return {
        problem: { type: problemType('413'), title: TITLES[413], status: 413, detail: 'The body is too large.' },
      };
    }
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      return {
        problem: {
          type: problemType(String(e.status)),
          title: TITLES[e.status] ?? 'Bad request',
          status: e.status,
          detail: e.message ?? 'Bad request',
        },
      };
    }
    return {
      problem: {
        type: problemType('500'),
        title: 'Internal error',
        status: HttpStatus.INTERNAL_SERVER_ERROR,
        detail: 'Something went wrong on our side; it has been logged.',
      },
    };
  }
}
