import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * Signed webhooks, the same scheme for notification webhooks and supplier adapters. A receiver checks:
 *
 *   IDP-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint's secret>
 *
 * and refuses a timestamp older than five minutes (replay). `IDP-Delivery` carries a unique id per delivery
 * (the same on a retry), so a receiver can drop duplicates. README "Webhooks" has a verification snippet.
 */
export const SIGNATURE_HEADER = 'IDP-Signature';
export const DELIVERY_HEADER = 'IDP-Delivery';
export const EVENT_HEADER = 'IDP-Event';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signPayload(secret: string, rawBody: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

export function verifySignature(
  secret: string,
  rawBody: string,
  header: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { valid: false, reason: `missing ${SIGNATURE_HEADER} header` };
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return { valid: false, reason: 'malformed signature header' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { valid: false, reason: 'timestamp outside tolerance' };
  const expected = Buffer.from(signPayload(secret, rawBody, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { valid: false, reason: 'signature does not match' };
  return { valid: true };
}

/** A new endpoint secret, shown once to the receiving organisation. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}
