// A local OpenID Connect provider for the browser tests (oidc-provider is ES modules only, so it runs as a child
// process). Usage: node oidc-provider.mjs PORT REDIRECT_URI CLIENT_ID CLIENT_SECRET. Its development sign-in page
// accepts any login and password; the login is taken as the person's verified email address.
import Provider from 'oidc-provider';

const [port, redirectUri, clientId, clientSecret] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: (_ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, email: id, email_verified: true, name: id }),
  }),
  pkce: { required: () => true },
  cookies: { keys: ['browser-test-only-cookie-key'] },
});
provider.listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening ${issuer}\n`));
