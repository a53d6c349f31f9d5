import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** Which of the configured keys a stored value is under: `DATA_ENCRYPTION_KEY` or `DATA_ENCRYPTION_KEY_PREVIOUS`. */
export type DataKeyRole = 'current' | 'previous';

/** A stored value opened: its plaintext, the key that opened it, and whether it names that key (`v2`). */
export interface OpenedValue {
  plaintext: string;
  key: DataKeyRole;
  tagged: boolean;
}

/** Thrown when no configured key opens a stored value; its message never carries the value or a key. */
export class UndecryptableValueError extends Error {
  constructor(reason: string) {
    super(`cannot decrypt a stored value: ${reason}`);
    this.name = 'UndecryptableValueError';
  }
}

/** The subkeys of one `DATA_ENCRYPTION_KEY`, and its key id: a public fingerprint that reveals nothing of the key. */
class DataKey {
  readonly id: string;
  readonly encryption: Buffer;
  readonly lookup: Buffer;

  constructor(
    base64Key: string,
    readonly role: DataKeyRole,
  ) {
    const master = Buffer.from(base64Key, 'base64');
    const name = role === 'current' ? 'DATA_ENCRYPTION_KEY' : 'DATA_ENCRYPTION_KEY_PREVIOUS';
    if (master.length !== 32) throw new Error(`${name} must be 32 bytes, base64 encoded`);
    const derive = (info: string, length: number) =>
      Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, length));
    this.encryption = derive('idp-field-encryption-v1', 32);
    this.lookup = derive('idp-field-lookup-v1', 32);
    this.id = derive('idp-field-key-id-v1', 6).toString('base64url');
  }

  open(nonce: string, body: string, tag: string, header?: string): string {
    const decipher = createDecipheriv('aes-256-gcm', this.encryption, Buffer.from(nonce, 'base64url'));
    if (header) decipher.setAAD(Buffer.from(header));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/**
 * Encryption at rest for sensitive fields (patient identifiers, webhook secrets, sandbox API keys): AES-256-GCM
 * with a random 12-byte nonce, stored as `v2.<key id>.<nonce>.<ciphertext>.<tag>` (base64url; `v2.<key id>` is
 * authenticated too). `lookupHash` gives a keyed hash of a value for equality and uniqueness checks without
 * decrypting (a plain hash of a 10-digit NHS number is reversible by brute force; a keyed one is not without the
 * key).
 *
 * The key is `DATA_ENCRYPTION_KEY`: 32 random bytes, base64 (`openssl rand -base64 32`). Separate subkeys for
 * encryption and lookup are derived from it with HKDF, so the same key never serves two purposes. During a key
 * rotation the old key is passed as `previousKey`: values are always written under the current key, and read
 * under whichever key they name. Values written before key ids (`v1.<nonce>.<ciphertext>.<tag>`) name none, so
 * they are tried under the current key, then the previous one; `data-key rotate` rewrites them as `v2`.
 */
export class FieldCipher {
  private readonly current: DataKey;
  private readonly previous?: DataKey;

  constructor(key: string, previousKey?: string) {
    this.current = new DataKey(key, 'current');
    if (previousKey) this.previous = new DataKey(previousKey, 'previous');
  }

  /** Public fingerprints of the configured keys, to tell them apart in status output without revealing them. */
  get keyIds(): { current: string; previous?: string } {
    return { current: this.current.id, previous: this.previous?.id };
  }

  encrypt(plaintext: string): string {
    const header = `v2.${this.current.id}`;
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.encryption, nonce);
    cipher.setAAD(Buffer.from(header));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [header, ...[nonce, body, cipher.getAuthTag()].map((p) => p.toString('base64url'))].join('.');
  }

  decrypt(stored: string): string {
    return this.open(stored).plaintext;
  }

  /** Decrypts `stored` and says which key opened it; throws `UndecryptableValueError` when none does. */
  open(stored: string): OpenedValue {
    const parts = stored.split('.');
    if (parts[0] === 'v2' && parts.length === 5) {
      const [, keyId, nonce, body, tag] = parts as [string, string, string, string, string];
      const key = [this.current, this.previous].find((k) => k?.id === keyId);
      if (!key) {
        throw new UndecryptableValueError(
          `it is under key id ${keyId}, which is neither DATA_ENCRYPTION_KEY (${this.current.id}) nor ${
            this.previous
              ? `DATA_ENCRYPTION_KEY_PREVIOUS (${this.previous.id})`
              : 'DATA_ENCRYPTION_KEY_PREVIOUS (not set)'
          }`,
        );
      }
      return { plaintext: this.attempt(() => key.open(nonce, body, tag, `v2.${keyId}`)), key: key.role, tagged: true };
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      const [, nonce, body, tag] = parts as [string, string, string, string];
      for (const key of [this.current, this.previous]) {
        if (!key) continue;
        try {
          return { plaintext: key.open(nonce, body, tag), key: key.role, tagged: false };
        } catch {
          // GCM's tag check fails under the wrong key: try the next one.
        }
      }
      throw new UndecryptableValueError(
        this.previous
          ? 'it names no key (written before key ids) and neither DATA_ENCRYPTION_KEY nor DATA_ENCRYPTION_KEY_PREVIOUS opens it'
          : 'it names no key (written before key ids), DATA_ENCRYPTION_KEY does not open it and DATA_ENCRYPTION_KEY_PREVIOUS is not set',
      );
    }
    throw new UndecryptableValueError('not a value encrypted by FieldCipher');
  }

  /** Keyed hash (HMAC-SHA256, hex) under the current key, for finding or de-duplicating an encrypted value. */
  lookupHash(value: string): string {
    return createHmac('sha256', this.current.lookup).update(value).digest('hex');
  }

  /**
   * The value's keyed hash under every configured key, current first: during a rotation a row may still hold the
   * previous key's hash, so lookups and duplicate checks must match any of them.
   */
  lookupHashes(value: string): string[] {
    return [this.current, this.previous]
      .filter((k): k is DataKey => k !== undefined)
      .map((k) => createHmac('sha256', k.lookup).update(value).digest('hex'));
  }

  private attempt(open: () => string): string {
    try {
      return open();
    } catch {
      throw new UndecryptableValueError('it was altered, or its key id does not match the key it was written under');
    }
  }
}

/** A fresh key for DATA_ENCRYPTION_KEY. */
export function generateEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}
