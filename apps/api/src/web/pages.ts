import {
  ArgumentsHost,
  Catch,
  HttpException,
  Injectable,
  Logger,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { OrganisationRole } from '@idp/persistence';
import type { AuthenticatedRequest } from '../auth/access';
import { isUnavailable } from '../common/error-mapping';
import { ProblemException } from '../common/problem';
import { callerOf, UsersService, type Person } from '../people/users.service';

export type PageRequest = Request & AuthenticatedRequest & { person?: Person };

/** Thrown by the guard when nobody is signed in: the filter sends them to sign in and back. */
class SignInRequired extends Error {}

/**
 * Lets a page through only for a signed-in, still active person, and makes them the request's caller: their
 * organisation, with their own name for the audit trail. A deactivated person is out at their next click.
 */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(private readonly users: UsersService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<PageRequest>();
    const person = req.session?.userId ? await this.users.findActiveById(req.session.userId) : undefined;
    if (!person) throw new SignInRequired();
    req.person = person;
    req.caller = callerOf(person);
    return true;
  }
}

/** Where each kind of organisation starts. */
export function homeOf(role: OrganisationRole): string {
  switch (role) {
    case 'supplier':
      return '/supplier';
    case 'practice':
      return '/practice';
    default:
      return '/portfolio';
  }
}

/** What every page's layout needs: the person, the navigation, the CSRF token and the CSP nonce. */
export function layoutLocals(req: PageRequest, res: Response, current: string): Record<string, unknown> {
  const person = req.person;
  const nav: Array<{ href: string; text: string }> = [];
  if (person) {
    const role = person.organisation.role;
    if (['icb', 'delivery-partner', 'operator'].includes(role)) nav.push({ href: '/portfolio', text: 'Portfolio' });
    if (['icb', 'delivery-partner'].includes(role)) nav.push({ href: '/migrations/new', text: 'Kick off a migration' });
    if (role === 'supplier') nav.push({ href: '/supplier', text: 'Open requests' });
    if (role === 'practice') nav.push({ href: '/practice', text: 'Your practice' });
  }
  const flash = req.session?.flash;
  if (flash) delete req.session.flash;
  return {
    person,
    navigation: nav.map((item) => ({ ...item, current: item.href === current })),
    csrfToken: res.locals.csrfToken,
    cspNonce: res.locals.cspNonce,
    flash,
  };
}

/**
 * Errors on pages are pages: sign-in for the signed out, the problem's own words for a 4xx, a plain apology for
 * the rest (logged). Never problem+json here; the API keeps that.
 */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('pages');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<PageRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof SignInRequired) {
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      res.redirect(303, `/sign-in${next}`);
      return;
    }
    let status = 500;
    let title = 'Sorry, there is a problem with the service';
    let message = 'Try again later. Nothing you did caused this.';
    if (exception instanceof ProblemException) {
      status = exception.getStatus();
      title = exception.problem.title ?? title;
      message = exception.problem.detail;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      title = status === 404 ? 'Page not found' : exception.message;
      message = status === 404 ? 'Check the address, or go back to your start page.' : exception.message;
    } else if (isUnavailable(exception)) {
      status = 503;
      message = 'A service this page needs cannot be reached right now. Nothing was changed; try again shortly.';
    } else {
      this.logger.error({
        msg: 'page failed',
        path: req.path,
        error: exception instanceof Error ? exception.stack : String(exception),
      });
    }
    res.status(status).render('error.njk', { ...layoutLocals(req, res, ''), title, message });
  }
}
