import { FieldCipher, generateEncryptionKey, generateWebhookSecret, signPayload, verifySignature } from '@idp/security';

describe('FieldCipher', () => {
  const cipher = new FieldCipher(generateEncryptionKey());

  it('round-trips a value and never stores it in the clear', () => {
    const stored = cipher.encrypt('9434765919');
    expect(stored).not.toContain('9434765919');
    expect(stored.startsWith(`v2.${cipher.keyIds.current}.`)).toBe(true);
    expect(cipher.decrypt(stored)).toBe('9434765919');
  });

  it('uses a fresh nonce each time but a stable lookup hash', () => {
    expect(cipher.encrypt('9434765919')).not.toBe(cipher.encrypt('9434765919'));
    expect(cipher.lookupHash('9434765919')).toBe(cipher.lookupHash('9434765919'));
    expect(cipher.lookupHash('9434765919')).not.toBe(new FieldCipher(generateEncryptionKey()).lookupHash('9434765919'));
  });

  it('refuses a tampered value and a value encrypted with another key', () => {
    const stored = cipher.encrypt('secret');
    const [v, keyId, nonce, body, tag] = stored.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] ^= 1;
    expect(() => cipher.decrypt([v, keyId, nonce, flipped.toString('base64url'), tag].join('.'))).toThrow();
    expect(() => new FieldCipher(generateEncryptionKey()).decrypt(stored)).toThrow();
    expect(() => cipher.decrypt('plain text')).toThrow('not a value encrypted by FieldCipher');
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new FieldCipher(Buffer.alloc(16).toString('base64'))).toThrow('32 bytes');
  });
});

describe('webhook signatures', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ event: 'milestone.opened' });
  const now = 1_800_000_000;

  it('verifies what it signed', () => {
    expect(verifySignature(secret, body, signPayload(secret, body, now), now)).toEqual({ valid: true });
  });

  it('matches an independent HMAC-SHA256 over "<t>.<body>"', () => {
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const mac = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signPayload(secret, body, now)).toBe(`t=${now},v1=${mac}`);
  });

  it.each([
    ['a changed body', (h: string) => ({ header: h, body: `${body} ` }), 'signature does not match'],
    ['another secret', () => ({ header: signPayload('other', body, now), body }), 'signature does not match'],
    ['an old timestamp', () => ({ header: signPayload(secret, body, now - 301), body }), 'timestamp outside tolerance'],
    ['no header', () => ({ header: undefined, body }), 'missing IDP-Signature header'],
    ['a malformed header', () => ({ header: 'v1=abc', body }), 'malformed signature header'],
  ])('refuses %s', (_name, make, reason) => {
    const { header, body: sent } = make(signPayload(secret, body, now));
    expect(verifySignature(secret, sent, header, now)).toEqual({ valid: false, reason });
  });
});
