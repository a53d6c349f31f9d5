import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { createTransport, type Transporter } from 'nodemailer';
import { IsNull, MoreThan, type Repository } from 'typeorm';
import type { Environment } from '@idp/config';
import { SignInTokenEntity } from '@idp/persistence';
import { UsersService, type Person } from './users.service';

const MAX_OUTSTANDING_LINKS = 3;
const VALID_FOR_MS = 15 * 60_000;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Sign-in by a link emailed to a known person: a 256-bit random token, stored as a hash, valid for 15 minutes and
 * once. Whether the address is known is never revealed to the requester.
 */
@Injectable()
export class SignInLinksService implements OnModuleDestroy {
  private readonly logger = new Logger(SignInLinksService.name);
  private readonly transport?: Transporter;

  constructor(
    @InjectRepository(SignInTokenEntity) private readonly tokens: Repository<SignInTokenEntity>,
    private readonly users: UsersService,
    private readonly config: ConfigService<Environment, true>,
  ) {
    const url = config.get('SMTP_URL', { infer: true });
    if (url) this.transport = createTransport(url, { from: config.getOrThrow('SMTP_FROM', { infer: true }) });
  }

  /** Emails a sign-in link when the address belongs to an active person; does nothing visible otherwise. */
  async send(email: string): Promise<void> {
    const person = await this.users.findActiveByEmail(email);
    if (!person) return;
    // Someone typing another person's address again and again must not flood their inbox: while three links
    // are out unused (each lasts 15 minutes), no fourth is sent. The page answers the same either way.
    const outstanding = await this.tokens.countBy({
      userId: person.id,
      usedAt: IsNull(),
      expiresAt: MoreThan(new Date()),
    });
    if (outstanding >= MAX_OUTSTANDING_LINKS) {
      this.logger.warn({ msg: 'sign-in link not sent: three unused links are still out for this person' });
      return;
    }
    const token = randomBytes(32).toString('base64url');
    await this.tokens.insert({
      tokenHash: hashToken(token),
      userId: person.id,
      expiresAt: new Date(Date.now() + VALID_FOR_MS),
      usedAt: null,
    });
    const link = `${this.config.getOrThrow('PUBLIC_BASE_URL', { infer: true })}/sign-in/link?token=${token}`;
    if (!this.transport) {
      // No SMTP: nobody could receive the link, and it must not be logged (it is a credential).
      this.logger.warn({ msg: 'sign-in link requested but SMTP_URL is not set; no email sent' });
      return;
    }
    await this.transport.sendMail({
      to: { name: person.name, address: person.email },
      subject: 'Your sign-in link for IDP Orchestrator',
      text: `Hello ${person.name},\n\nUse this link to sign in to IDP Orchestrator. It works once, within 15 minutes:\n\n${link}\n\nIf you did not ask to sign in, ignore this email.\n`,
      html: `<p>Hello ${escapeHtml(person.name)},</p><p><a href="${link}">Sign in to IDP Orchestrator</a>. The link works once, within 15 minutes.</p><p>If you did not ask to sign in, ignore this email.</p>`,
    });
  }

  /** Whether a link would still sign someone in (unknown, used and expired links would not); uses nothing up. */
  async isUsable(token: string): Promise<boolean> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
    return this.tokens.existsBy({ tokenHash: hashToken(token), usedAt: IsNull(), expiresAt: MoreThan(new Date()) });
  }

  /** The person a link signs in, using it up; undefined for an unknown, used or expired link. */
  async redeem(token: string): Promise<Person | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const tokenHash = hashToken(token);
    // One UPDATE decides: of two simultaneous clicks only one finds the token unused.
    const result = await this.tokens.update(
      { tokenHash, usedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      { usedAt: new Date() },
    );
    if (!result.affected) return undefined;
    const row = await this.tokens.findOneByOrFail({ tokenHash });
    return this.users.findActiveById(row.userId);
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
