import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for sensitive fields (patient identifiers, webhook secrets): AES-256-GCM with a random
 * 12-byte nonce, stored as `v1.<nonce>.<ciphertext>.<tag>` (base64url). `lookupHash` gives a keyed hash of a value
 * for equality and uniqueness checks without decrypting (a plain hash of a 10-digit NHS number is reversible by
 * brute force; a keyed one is not without the key).
 *
 * The key is `DATA_ENCRYPTION_KEY`: 32 random bytes, base64 (`openssl rand -base64 32`). Separate subkeys for
 * encryption and lookup are derived from it with HKDF, so the same key never serves two purposes.
 */
export class FieldCipher {
  private readonly encryptionKey: Buffer;
  private readonly lookupKey: Buffer;

  constructor(base64Key: string) {
    const master = Buffer.from(base64Key, 'base64');
    if (master.length !== 32) throw new Error('DATA_ENCRYPTION_KEY must be 32 bytes, base64 encoded');
    this.encryptionKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'idp-field-encryption-v1', 32));
    this.lookupKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'idp-field-lookup-v1', 32));
  }

  encrypt(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, nonce);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', nonce, body, cipher.getAuthTag()]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  decrypt(stored: string): string {
    const [version, nonce, body, tag] = stored.split('.');
    if (version !== 'v1' || nonce === undefined || body === undefined || tag === undefined)
      throw new Error('not a value encrypted by FieldCipher');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Keyed hash (HMAC-SHA256, hex) for finding or de-duplicating an encrypted value. */
  lookupHash(value: string): string {
    return createHmac('sha256', this.lookupKey).update(value).digest('hex');
  }
}

/** A fresh key for DATA_ENCRYPTION_KEY. */
export function generateEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}
