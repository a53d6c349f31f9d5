const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Why a webhook URL cannot be used, or undefined when it can: https anywhere, plain http only to this machine (a
 * local receiver in development); no credentials in the URL, since it is shown in lists and logs.
 */
export function webhookUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an absolute https URL, e.g. https://supplier.example/idp-webhook';
  }
  if (parsed.username || parsed.password) return 'url must not contain a user name or password';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.includes(parsed.hostname)) return undefined;
  return 'url must use https (plain http is allowed only for localhost)';
}
