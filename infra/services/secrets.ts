import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateEncryptionKey } from '@idp/security';

/**
 * Where `npm start` keeps the embedded services' state and these secrets: `IDP_DATA_DIR` (relative to the checkout)
 * or `.data/`. Read when called, so a value from `.env` loaded meanwhile counts.
 */
export function embeddedDataDir(root: string): string {
  return path.resolve(root, process.env.IDP_DATA_DIR || '.data');
}

/**
 * The embedded default's DATA_ENCRYPTION_KEY: made once and kept beside the embedded database (`.data/`), so a
 * restart can read what the last run encrypted. Production sets DATA_ENCRYPTION_KEY from its secret store.
 */
export function embeddedEncryptionKey(dataDir: string): string {
  const file = path.join(dataDir, 'data-encryption.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = generateEncryptionKey();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/**
 * The embedded default's SESSION_SECRET, kept in `.data/` like the encryption key so people stay signed in across
 * restarts. Production sets SESSION_SECRET from its secret store.
 */
export function embeddedSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session.secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
