import { createHmac } from 'node:crypto';

/** A session cookie as express-session signs it: a signed-in person's browser sends one with every page. */
export function sessionCookie(sessionId: string): string {
  const signature = createHmac('sha256', process.env.SESSION_SECRET!).update(sessionId).digest('base64');
  return `idp.sid=${encodeURIComponent(`s:${sessionId}.${signature.replace(/=+$/, '')}`)}`;
}
