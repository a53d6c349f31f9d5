import { Body, Controller, Get, Post, Query, Req, Res, UseFilters, VERSION_NEUTRAL } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Environment } from '@idp/config';
import { Page } from '../auth/access';
import { OidcRefusal, OidcService } from '../people/oidc.service';
import { SignInLinksService } from '../people/sign-in-links.service';
import { UsersService, type Person } from '../people/users.service';
import { homeOf, layoutLocals, PageErrorFilter, type PageRequest } from './pages';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Only a path on this site: `next` must never send a person to another site after signing in. */
const safeNext = (next: unknown): string | undefined =>
  typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : undefined;

/** Signing in (emailed link or OpenID Connect) and out. */
@ApiExcludeController()
@Page()
@UseFilters(PageErrorFilter)
@Controller({ version: VERSION_NEUTRAL })
export class SignInController {
  constructor(
    private readonly links: SignInLinksService,
    private readonly oidc: OidcService,
    private readonly users: UsersService,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  @Get()
  root(@Req() req: PageRequest, @Res() res: Response): void {
    res.redirect(303, req.session.userId ? '/home' : '/sign-in');
  }

  @Get('home')
  async home(@Req() req: PageRequest, @Res() res: Response): Promise<void> {
    const person = req.session.userId ? await this.users.findActiveById(req.session.userId) : undefined;
    res.redirect(303, person ? homeOf(person.organisation.role) : '/sign-in');
  }

  @Get('sign-in')
  async signInPage(@Req() req: PageRequest, @Res() res: Response, @Query('next') next?: string): Promise<void> {
    req.session.visited = true;
    // Saved before the page goes out, not as it goes out: a form whose session (and CSRF token) could not be stored
    // would only fail when sent, so with Postgres down the page itself says the service is unavailable.
    await new Promise<void>((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
    this.renderSignIn(req, res, 200, { next: safeNext(next) });
  }

  @Post('sign-in')
  async sendLink(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Body() body: Record<string, string | undefined>,
  ): Promise<void> {
    if (!this.emailSignIn) {
      this.renderSignIn(req, res, 404, {});
      return;
    }
    const email = String(body.email ?? '').trim();
    if (!EMAIL.test(email) || email.length > 320) {
      this.renderSignIn(req, res, 400, {
        email,
        errors: [{ text: 'Enter your email address, like name@example.nhs.uk', href: '#email' }],
      });
      return;
    }
    await this.links.send(email);
    res.render('sign-in-sent.njk', { ...layoutLocals(req, res, ''), email });
  }

  /**
   * The emailed link shows a button and signs in only when it is pressed: mail scanners (Microsoft Safe Links in
   * NHSmail) open links before the person does, and a GET that used the link up would leave them a dead one.
   */
  @Get('sign-in/link')
  async confirm(@Req() req: PageRequest, @Res() res: Response, @Query('token') token?: string): Promise<void> {
    if (!this.emailSignIn || typeof token !== 'string' || !(await this.links.isUsable(token))) {
      this.deadLink(req, res);
      return;
    }
    res.render('sign-in-confirm.njk', { ...layoutLocals(req, res, ''), token });
  }

  @Post('sign-in/link')
  async redeem(@Req() req: PageRequest, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const token = body?.token;
    const person = this.emailSignIn && typeof token === 'string' ? await this.links.redeem(token) : undefined;
    if (!person) {
      this.deadLink(req, res);
      return;
    }
    await this.signIn(req, res, person, undefined);
  }

  private deadLink(req: PageRequest, res: Response): void {
    res.status(400).render('error.njk', {
      ...layoutLocals(req, res, ''),
      title: 'This sign-in link does not work',
      message: 'Links work once, for 15 minutes. Ask for a new one on the sign-in page.',
      link: { href: '/sign-in', text: 'Sign in' },
    });
  }

  @Get('sign-in/oidc')
  async startOidc(@Req() req: PageRequest, @Res() res: Response, @Query('next') next?: string): Promise<void> {
    if (!this.oidc.enabled) {
      this.renderSignIn(req, res, 404, {});
      return;
    }
    const { url, pending } = await this.oidc.start();
    req.session.oidc = { ...pending, next: safeNext(next) };
    req.session.save(() => res.redirect(303, url));
  }

  @Get('sign-in/oidc/callback')
  async finishOidc(@Req() req: PageRequest, @Res() res: Response): Promise<void> {
    const pending = req.session.oidc;
    delete req.session.oidc;
    const refuse = (message: string) =>
      res.status(403).render('error.njk', {
        ...layoutLocals(req, res, ''),
        title: 'You cannot sign in to IDP Orchestrator',
        message,
        link: { href: '/sign-in', text: 'Back to sign in' },
      });
    if (!this.oidc.enabled || !pending) {
      refuse('The sign-in took too long or was started elsewhere. Start again from the sign-in page.');
      return;
    }
    let email: string;
    try {
      ({ email } = await this.oidc.finish(req.originalUrl, pending));
    } catch (error) {
      if (error instanceof OidcRefusal) refuse(error.message);
      else if ((error as Error)?.name === 'OPError' || (error as Error)?.name === 'RPError')
        refuse('Your identity provider did not confirm who you are. Start again from the sign-in page.');
      else throw error;
      return;
    }
    const person = await this.users.findActiveByEmail(email);
    if (!person) {
      refuse(
        'Your identity is confirmed, but you are not a user of this service. Ask your organisation’s administrator to add you.',
      );
      return;
    }
    await this.signIn(req, res, person, pending.next);
  }

  @Post('sign-out')
  signOut(@Req() req: PageRequest, @Res() res: Response): void {
    req.session.destroy(() => {
      // The name and attributes the cookie was set with (setup-web.ts): browsers keep a __Host- cookie otherwise.
      const secure = this.config.get('PUBLIC_BASE_URL', { infer: true }).startsWith('https:');
      res.clearCookie(secure ? '__Host-idp.sid' : 'idp.sid', { httpOnly: true, sameSite: 'lax', secure, path: '/' });
      res.redirect(303, '/sign-in?signedOut=1');
    });
  }

  private get emailSignIn(): boolean {
    return this.config.get('EMAIL_SIGN_IN', { infer: true });
  }

  /** A new session id at sign-in, so a session fixed before it is worth nothing after. */
  private async signIn(req: PageRequest, res: Response, person: Person, next: string | undefined): Promise<void> {
    await this.users.recordSignIn(person.id);
    await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
    req.session.userId = person.id;
    req.session.save(() => res.redirect(303, next ?? homeOf(person.organisation.role)));
  }

  private renderSignIn(req: PageRequest, res: Response, status: number, extra: Record<string, unknown>): void {
    res.status(status).render('sign-in.njk', {
      ...layoutLocals(req, res, ''),
      emailSignIn: this.emailSignIn,
      oidc: this.oidc.enabled,
      signedOut: req.query.signedOut === '1',
      ...extra,
    });
  }
}
