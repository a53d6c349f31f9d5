import { VerifiedKeyCache } from '../../../apps/api/src/auth/verified-keys';
import type { Caller } from '../../../apps/api/src/organisations/organisations.service';

const caller = (code: string): Caller => ({ organisationId: `org-${code}`, role: 'supplier', code, name: code });

describe('VerifiedKeyCache', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('answers for a verified key until its TTL has passed, then sends the caller back to Postgres', () => {
    const cache = new VerifiedKeyCache(5_000, 100, clock);
    cache.remember('aaaaaaaaaaaa', 'hash-a', caller('EMIS'));
    expect(cache.get('aaaaaaaaaaaa')).toMatchObject({ secretHash: 'hash-a', caller: caller('EMIS') });
    now += 4_999;
    expect(cache.get('aaaaaaaaaaaa')?.caller.code).toBe('EMIS');
    now += 1;
    expect(cache.get('aaaaaaaaaaaa')).toBeUndefined();
    expect(cache.get('bbbbbbbbbbbb')).toBeUndefined();
  });

  it('forgets a key at once (a revocation through this process)', () => {
    const cache = new VerifiedKeyCache(5_000, 100, clock);
    cache.remember('aaaaaaaaaaaa', 'hash-a', caller('EMIS'));
    cache.remember('bbbbbbbbbbbb', 'hash-b', caller('TPP'));
    cache.forget('aaaaaaaaaaaa');
    expect(cache.get('aaaaaaaaaaaa')).toBeUndefined();
    expect(cache.get('bbbbbbbbbbbb')?.caller.code).toBe('TPP');
  });

  it('remembers nothing with a TTL of 0', () => {
    const cache = new VerifiedKeyCache(0, 100, clock);
    cache.remember('aaaaaaaaaaaa', 'hash-a', caller('EMIS'));
    expect(cache.get('aaaaaaaaaaaa')).toBeUndefined();
  });

  it('never holds more than its bound', () => {
    const cache = new VerifiedKeyCache(5_000, 3, clock);
    for (const prefix of ['p1', 'p2', 'p3']) cache.remember(prefix, `hash-${prefix}`, caller(prefix));
    cache.remember('p3', 'hash-p3', caller('p3'));
    expect(['p1', 'p2', 'p3'].map((p) => cache.get(p)?.caller.code)).toEqual(['p1', 'p2', 'p3']);
    cache.remember('p4', 'hash-p4', caller('p4'));
    expect(['p1', 'p2', 'p3', 'p4'].map((p) => cache.get(p)?.caller.code)).toEqual([
      undefined,
      undefined,
      undefined,
      'p4',
    ]);
  });
});
