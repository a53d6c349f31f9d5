import { validateEnvironment } from '@idp/config';
import { configurationProblems } from '../../support/configuration';
import { FieldCipher, generateEncryptionKey, UndecryptableValueError } from '@idp/security';
import { rotationReport, statusReport } from '../../../apps/api/src/data-key/data-key-report';

/*
 * FieldCipher with two keys, as during a rotation of DATA_ENCRYPTION_KEY: what was written under the old key (in
 * the format before key ids, and after) stays readable, lookups match either key's hash, everything new is written
 * under the new key, and a value no configured key opens fails loudly without revealing the value or a key.
 */

const NHS_NUMBER = '9434765919';
/** Written by FieldCipher before key ids existed (commit c12e0b7), under LEGACY_KEY: what databases hold today. */
const LEGACY_KEY = Buffer.alloc(32, 7).toString('base64');
const LEGACY_VALUE = 'v1.VpZ47_cED4O0jw3N.2RQp48mkBy-d5Q.r8ar4RZ50-ugiAQJY5bFKg';
const LEGACY_LOOKUP = '8a8fa2b82f3294914663ffb1f816eaace8c36cd93836a2a3fa34f0b5c8bb543b';

const oldKey = generateEncryptionKey();
const newKey = generateEncryptionKey();
const before = new FieldCipher(oldKey);
const during = new FieldCipher(newKey, oldKey);
const after = new FieldCipher(newKey);

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected it to throw');
}

describe('FieldCipher during a key rotation', () => {
  it('still reads values written before key ids, under the key they were written with', () => {
    expect(new FieldCipher(LEGACY_KEY).open(LEGACY_VALUE)).toEqual({
      plaintext: NHS_NUMBER,
      key: 'current',
      tagged: false,
    });
    expect(new FieldCipher(newKey, LEGACY_KEY).open(LEGACY_VALUE)).toEqual({
      plaintext: NHS_NUMBER,
      key: 'previous',
      tagged: false,
    });
    // Lookup hashes did not change with the format: rows selected before still match.
    expect(new FieldCipher(LEGACY_KEY).lookupHash(NHS_NUMBER)).toBe(LEGACY_LOOKUP);
    expect(new FieldCipher(newKey, LEGACY_KEY).lookupHashes(NHS_NUMBER)[1]).toBe(LEGACY_LOOKUP);
  });

  it('reads what the old key wrote, and writes only under the new key', () => {
    const old = before.encrypt(NHS_NUMBER);
    expect(during.open(old)).toEqual({ plaintext: NHS_NUMBER, key: 'previous', tagged: true });
    const fresh = during.encrypt(NHS_NUMBER);
    expect(fresh.split('.').slice(0, 2)).toEqual(['v2', after.keyIds.current]);
    expect(during.open(fresh)).toEqual({ plaintext: NHS_NUMBER, key: 'current', tagged: true });
    expect(after.decrypt(fresh)).toBe(NHS_NUMBER);
    // Once the old key is gone, what it wrote is unreadable: the reason rotate must run before it is removed.
    expect(() => after.decrypt(old)).toThrow(UndecryptableValueError);
  });

  it('names each key by a stable public id that differs per key and carries nothing of the key', () => {
    expect(during.keyIds).toEqual({ current: after.keyIds.current, previous: before.keyIds.current });
    expect(after.keyIds).toEqual({ current: new FieldCipher(newKey).keyIds.current, previous: undefined });
    expect(before.keyIds.current).not.toBe(after.keyIds.current);
    expect(after.keyIds.current).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(newKey).not.toContain(after.keyIds.current);
  });

  it('fails loudly under a wrong key, naming the key ids but never the value or a key', () => {
    const stranger = new FieldCipher(generateEncryptionKey(), generateEncryptionKey());
    const tagged = thrown(() => stranger.decrypt(before.encrypt(NHS_NUMBER)));
    expect(tagged).toBeInstanceOf(UndecryptableValueError);
    expect(tagged.message).toContain(`under key id ${before.keyIds.current}`);
    expect(tagged.message).toContain(`DATA_ENCRYPTION_KEY (${stranger.keyIds.current})`);
    const legacy = thrown(() => stranger.decrypt(LEGACY_VALUE));
    expect(legacy.message).toMatch(/neither DATA_ENCRYPTION_KEY nor DATA_ENCRYPTION_KEY_PREVIOUS opens it/);
    const alone = thrown(() => after.decrypt(LEGACY_VALUE));
    expect(alone.message).toMatch(/DATA_ENCRYPTION_KEY_PREVIOUS is not set/);
    for (const error of [tagged, legacy, alone]) {
      for (const secret of [NHS_NUMBER, oldKey, newKey, LEGACY_KEY]) expect(error.message).not.toContain(secret);
    }
  });

  it('refuses a value whose key id was swapped for another configured key', () => {
    const [, , nonce, body, tag] = before.encrypt(NHS_NUMBER).split('.');
    const relabelled = ['v2', during.keyIds.current, nonce, body, tag].join('.');
    expect(() => during.decrypt(relabelled)).toThrow(/altered/);
  });

  it('hashes under every configured key, current first, and looks up under the current key only', () => {
    expect(during.lookupHashes(NHS_NUMBER)).toEqual([after.lookupHash(NHS_NUMBER), before.lookupHash(NHS_NUMBER)]);
    expect(during.lookupHash(NHS_NUMBER)).toBe(after.lookupHash(NHS_NUMBER));
    expect(after.lookupHashes(NHS_NUMBER)).toEqual([after.lookupHash(NHS_NUMBER)]);
    expect(before.lookupHash(NHS_NUMBER)).not.toBe(after.lookupHash(NHS_NUMBER));
  });

  it('refuses a previous key that is not 32 bytes, by its name', () => {
    expect(() => new FieldCipher(newKey, Buffer.alloc(16).toString('base64'))).toThrow(
      'DATA_ENCRYPTION_KEY_PREVIOUS must be 32 bytes',
    );
  });
});

describe('DATA_ENCRYPTION_KEY_PREVIOUS configuration', () => {
  const base = { DATABASE_URL: 'postgres://u:p@localhost:5432/idp', DATA_ENCRYPTION_KEY: newKey };
  const problems = (env: Record<string, string>) => configurationProblems({ ...base, ...env });

  it('is optional, and takes a key in the same format as DATA_ENCRYPTION_KEY', () => {
    expect(validateEnvironment(base).DATA_ENCRYPTION_KEY_PREVIOUS).toBeUndefined();
    expect(validateEnvironment({ ...base, DATA_ENCRYPTION_KEY_PREVIOUS: oldKey }).DATA_ENCRYPTION_KEY_PREVIOUS).toBe(
      oldKey,
    );
    expect(problems({ DATA_ENCRYPTION_KEY_PREVIOUS: 'short' })).toEqual([
      'DATA_ENCRYPTION_KEY_PREVIOUS must be 32 random bytes, base64 encoded: the DATA_ENCRYPTION_KEY being replaced',
    ]);
  });

  it('refuses the same key twice: the new key goes in DATA_ENCRYPTION_KEY', () => {
    expect(problems({ DATA_ENCRYPTION_KEY_PREVIOUS: newKey })).toEqual([
      expect.stringContaining('DATA_ENCRYPTION_KEY_PREVIOUS is the same as DATA_ENCRYPTION_KEY'),
    ]);
  });
});

describe('data-key reports', () => {
  const ids = { current: 'NEWKEYID', previous: 'OLDKEYID' };
  const field = {
    field: 'selected_patient.nhs_number',
    values: 3,
    current: 1,
    previous: 1,
    outdated: 1,
    unreadable: 0,
  };

  it('counts what is left to rotate, and says when the previous key can go', () => {
    const pending = statusReport(ids, [field]);
    expect(pending).toContain('DATA_ENCRYPTION_KEY_PREVIOUS  key id OLDKEYID');
    expect(pending).toMatch(/^selected_patient\.nhs_number\s+3\s+1\s+1\s+1\s+0$/m);
    expect(pending).toContain('2 values still to rotate (1 under the previous key)');
    const done = statusReport(ids, [{ ...field, current: 3, previous: 0, outdated: 0 }]);
    expect(done).toContain('Every value is under DATA_ENCRYPTION_KEY: remove DATA_ENCRYPTION_KEY_PREVIOUS');
    const stuck = statusReport({ current: 'NEWKEYID' }, [{ ...field, current: 2, previous: 0, unreadable: 1 }]);
    expect(stuck).toContain('DATA_ENCRYPTION_KEY_PREVIOUS  not set');
    expect(stuck).toContain('1 value cannot be read with either key');
  });

  it('reports a rotation per field with totals, and a problem when values were left unreadable', () => {
    const rotation = {
      field: 'organisation.webhook_secret',
      examined: 4,
      reencrypted: 3,
      alreadyCurrent: 1,
      unreadable: 0,
      batches: 1,
    };
    const clean = rotationReport(ids, [rotation, { ...rotation, field: 'organisation.sandbox_api_key' }]);
    expect(clean.problem).toBeUndefined();
    expect(clean.text).toMatch(/^total\s+8\s+6\s+2\s+0\s+2$/m);
    expect(clean.text).toContain('6 values re-encrypted under DATA_ENCRYPTION_KEY, 2 already were.');
    const left = rotationReport(ids, [{ ...rotation, reencrypted: 2, unreadable: 1 }]);
    expect(left.problem).toMatch(/1 value cannot be read with .* left as they are/);
  });
});
