import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * API keys look like `idp_<prefix>_<secret>`: the prefix (12 hex characters) finds the row; the secret
 * (32 base64url characters, 192 bits) is checked against its SHA-256. Neither the key nor the secret is stored.
 */

const KEY_PATTERN = /^idp_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/;

export interface NewApiKey {
  key: string;
  prefix: string;
  secretHash: string;
}

/** A fresh random API key with what to store of it. */
export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { key: `idp_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

/** The prefix and secret of a well-formed key, or undefined. */
export function parseApiKey(key: string): { prefix: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  return match ? { prefix: match[1], secret: match[2] } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
