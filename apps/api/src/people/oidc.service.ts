import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { generators, Issuer, type BaseClient } from 'openid-client';
import type { Environment } from '@idp/config';

/** What the sign-in round trip must remember between leaving for the provider and coming back. */
export interface OidcPending {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * People's sign-in through an OpenID Connect provider (NHS Care Identity Service 2 in production): authorization
 * code with PKCE, state and nonce checked by openid-client. The provider is discovered on first use, so the API
 * starts even while it is unreachable.
 */
@Injectable()
export class OidcService {
  private client?: Promise<BaseClient>;

  constructor(private readonly config: ConfigService<Environment, true>) {}

  get enabled(): boolean {
    return !!this.config.get('OIDC_ISSUER_URL', { infer: true });
  }

  private get redirectUri(): string {
    return `${this.config.getOrThrow('PUBLIC_BASE_URL', { infer: true })}/sign-in/oidc/callback`;
  }

  /** Where to send the person, and what to keep in their session until they return. */
  async start(): Promise<{ url: string; pending: OidcPending }> {
    const client = await this.getClient();
    const pending = { state: generators.state(), nonce: generators.nonce(), codeVerifier: generators.codeVerifier() };
    const url = client.authorizationUrl({
      scope: 'openid email profile',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: generators.codeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /**
   * Exchanges the code the provider sent back and returns the verified email address, or throws when the answer
   * does not check out (state, nonce, PKCE, signature) or carries no verified email.
   */
  async finish(callbackUrl: string, pending: OidcPending): Promise<{ email: string }> {
    const client = await this.getClient();
    const params = client.callbackParams(callbackUrl);
    const tokens = await client.callback(this.redirectUri, params, {
      state: pending.state,
      nonce: pending.nonce,
      code_verifier: pending.codeVerifier,
    });
    let claims: { sub: string; email?: unknown; email_verified?: unknown } = tokens.claims();
    // Providers that follow the spec strictly put scope claims in userinfo rather than the ID token.
    if (claims.email === undefined && tokens.access_token) {
      const info = await client.userinfo(tokens.access_token);
      if (info.sub === claims.sub) claims = { ...claims, ...info };
    }
    if (typeof claims.email !== 'string' || claims.email_verified !== true) {
      throw new OidcRefusal('Your identity provider did not confirm an email address for you.');
    }
    return { email: claims.email };
  }

  private getClient(): Promise<BaseClient> {
    this.client ??= Issuer.discover(this.config.getOrThrow('OIDC_ISSUER_URL', { infer: true }))
      .then(
        (issuer) =>
          new issuer.Client({
            client_id: this.config.getOrThrow('OIDC_CLIENT_ID', { infer: true }),
            client_secret: this.config.getOrThrow('OIDC_CLIENT_SECRET', { infer: true }),
            redirect_uris: [this.redirectUri],
            response_types: ['code'],
          }),
      )
      .catch((error: unknown) => {
        this.client = undefined; // try discovery again next time
        throw error;
      });
    return this.client;
  }
}

/** The provider's answer was fine technically but does not let this person in. */
export class OidcRefusal extends Error {}
