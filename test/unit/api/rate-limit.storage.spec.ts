import { SlidingWindowRateLimitStorage } from '../../../apps/api/src/common/rate-limit.storage';

describe('SlidingWindowRateLimitStorage', () => {
  const MINUTE = 60_000;
  let now: number;
  let storage: SlidingWindowRateLimitStorage;
  const hit = (key = 'key:a', limit = 3) => storage.increment(key, MINUTE, limit, MINUTE, 'default');

  beforeEach(() => {
    now = 10 * MINUTE; // the start of a window
    storage = new SlidingWindowRateLimitStorage(() => now, 0);
  });

  it('allows the limit within a window, refuses the next with a Retry-After, and counts callers apart', async () => {
    for (const expected of [1, 2, 3]) {
      expect(await hit()).toMatchObject({ isBlocked: false, totalHits: expected, timeToExpire: 60 });
    }
    now += 15_000;
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 60, timeToExpire: 45 });
    expect(await hit('key:b')).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('stays blocked for the block duration, then starts afresh', async () => {
    for (let i = 0; i < 4; i++) await hit();
    now += 59_000;
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
    now += 1_000;
    expect(await hit()).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('weighs the previous window by how much of it is still within the last minute', async () => {
    for (let i = 0; i < 3; i++) await hit('key:a', 4);
    // A quarter into the next window, three quarters of the previous window's 3 hits still count: floor(2.25) = 2.
    now += MINUTE + 15_000;
    expect(await hit('key:a', 4)).toMatchObject({ isBlocked: false, totalHits: 3 });
    expect(await hit('key:a', 4)).toMatchObject({ isBlocked: false, totalHits: 4 });
    expect(await hit('key:a', 4)).toMatchObject({ isBlocked: true });
  });

  it('forgets a window two windows old, and does not count it when the caller comes back', async () => {
    await hit();
    await hit('key:b');
    now += 2 * MINUTE;
    await hit('key:b');
    storage.evictIdle();
    expect(storage.size).toBe(1);
    now += 30_000;
    expect(await hit('key:b')).toMatchObject({ totalHits: 2 }); // the hit two windows ago counts for nothing
  });

  it('counts a busy caller with a high limit (the default storage throws past about 100,000 hits a window)', async () => {
    for (let i = 0; i < 200_000; i++) await storage.increment('busy', MINUTE, 1_000_000, MINUTE, 'default');
    expect(await hit('busy', 1_000_000)).toMatchObject({ isBlocked: false, totalHits: 200_001 });
  });
});
