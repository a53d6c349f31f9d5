import { VerifiedKeyCache, type StoredKey } from '../../../apps/api/src/auth/verified-keys';

const stored = (code: string): StoredKey => ({
  secretHash: `hash-${code}`,
  caller: { organisationId: `org-${code}`, role: 'supplier', code, name: code },
});

/** A stand-in for the Postgres lookup: answers from `keys`, counting calls; `hold` keeps answers back. */
function fakePostgres(keys: Record<string, StoredKey>) {
  const db = {
    calls: 0,
    held: [] as Array<() => void>,
    hold: false,
    lookUp: (prefix: string): Promise<StoredKey | undefined> => {
      db.calls++;
      const answer = keys[prefix];
      if (!db.hold) return Promise.resolve(answer);
      return new Promise((resolve) => db.held.push(() => resolve(answer)));
    },
    release: () => db.held.splice(0).forEach((answer) => answer()),
  };
  return db;
}

describe('VerifiedKeyCache', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('asks Postgres once per key per TTL, then again', async () => {
    const db = fakePostgres({ p1: stored('EMIS') });
    const cache = new VerifiedKeyCache(5_000, 100, clock);
    expect(await cache.get('p1', db.lookUp)).toMatchObject(stored('EMIS'));
    now += 4_999;
    expect((await cache.get('p1', db.lookUp))?.caller.code).toBe('EMIS');
    expect(db.calls).toBe(1);
    now += 1;
    await cache.get('p1', db.lookUp);
    expect(db.calls).toBe(2);
  });

  it('does not remember unknown or revoked keys: each try asks Postgres', async () => {
    const db = fakePostgres({});
    const cache = new VerifiedKeyCache(5_000, 100, clock);
    expect(await cache.get('p1', db.lookUp)).toBeUndefined();
    expect(await cache.get('p1', db.lookUp)).toBeUndefined();
    expect(db.calls).toBe(2);
  });

  it('shares one lookup among requests that arrive together', async () => {
    const db = fakePostgres({ p1: stored('EMIS') });
    db.hold = true;
    const cache = new VerifiedKeyCache(5_000, 100, clock);
    const answers = Promise.all([1, 2, 3].map(() => cache.get('p1', db.lookUp)));
    db.release();
    expect((await answers).map((a) => a?.caller.code)).toEqual(['EMIS', 'EMIS', 'EMIS']);
    expect(db.calls).toBe(1);
  });

  it('forgets a revoked key at once', async () => {
    const keys = { p1: stored('EMIS'), p2: stored('TPP') };
    const db = fakePostgres(keys);
    const cache = new VerifiedKeyCache(5_000, 100, clock);
    await cache.get('p1', db.lookUp);
    await cache.get('p2', db.lookUp);
    cache.forget('p1');
    await cache.get('p1', db.lookUp);
    expect(db.calls).toBe(3);

    // Other keys are unaffected.
    await cache.get('p2', db.lookUp);
    expect(db.calls).toBe(3);
  });

  it('does not remember a key from a lookup that was under way when it was revoked', async () => {
    const db = fakePostgres({ p1: stored('EMIS') });
    const cache = new VerifiedKeyCache(5_000, 100, clock);
    db.hold = true;
    // Postgres read the key before the revocation committed, and answers after it.
    const racing = cache.get('p1', db.lookUp);
    cache.forget('p1');
    db.release();
    expect(await racing).toEqual(stored('EMIS'));
    db.hold = false;
    await cache.get('p1', db.lookUp);
    expect(db.calls).toBe(2);
  });

  it('remembers nothing with a TTL of 0', async () => {
    const db = fakePostgres({ p1: stored('EMIS') });
    const cache = new VerifiedKeyCache(0, 100, clock);
    await cache.get('p1', db.lookUp);
    await cache.get('p1', db.lookUp);
    expect(db.calls).toBe(2);
  });

  it('never holds more than its bound', async () => {
    const db = fakePostgres({ p1: stored('A'), p2: stored('B'), p3: stored('C'), p4: stored('D') });
    const cache = new VerifiedKeyCache(5_000, 3, clock);
    for (const prefix of ['p1', 'p2', 'p3', 'p1']) await cache.get(prefix, db.lookUp);
    expect(db.calls).toBe(3);
    await cache.get('p4', db.lookUp);
    for (const prefix of ['p4', 'p1']) await cache.get(prefix, db.lookUp);
    expect(db.calls).toBe(5);
  });

  it('passes a failed lookup on to every request waiting for it, and tries again next time', async () => {
    const cache = new VerifiedKeyCache(5_000, 100, clock);
    const down = () => Promise.reject(new Error('connection refused'));
    await expect(Promise.all([cache.get('p1', down), cache.get('p1', down)])).rejects.toThrow('connection refused');
    const db = fakePostgres({ p1: stored('EMIS') });
    expect((await cache.get('p1', db.lookUp))?.caller.code).toBe('EMIS');
  });
});
