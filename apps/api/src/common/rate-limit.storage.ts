import type { ThrottlerStorage } from '@nestjs/throttler';

/** What the throttler guard needs back from a storage (its `ThrottlerStorageRecord`). */
interface Verdict {
  totalHits: number;
  /** Seconds until the current window ends. */
  timeToExpire: number;
  isBlocked: boolean;
  /** Seconds until a blocked caller may try again (the Retry-After header). */
  timeToBlockExpire: number;
}

interface Window {
  ttl: number;
  /** Start of the current fixed window (a multiple of `ttl`). */
  start: number;
  current: number;
  previous: number;
  blockedUntil: number;
}

/**
 * Rate-limit counts at a constant cost per request: a sliding-window counter, this window's hits plus the previous
 * window's weighted by how much of it still falls within the last `ttl`. @nestjs/throttler's default storage keeps a
 * timestamp per hit and scans them all on every request (and spreads them into `Math.min`, which throws past about
 * 100,000), so its cost grows with the limit: at the benchmark's rates, 0.14 ms of every request. Like the default
 * storage, a caller over the limit is refused for `blockDuration` and then starts afresh. Per API process, in memory.
 */
export class SlidingWindowRateLimitStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly now: () => number = Date.now,
    sweepEveryMs = 60_000,
  ) {
    if (sweepEveryMs > 0) setInterval(() => this.evictIdle(), sweepEveryMs).unref();
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<Verdict> {
    const now = this.now();
    const start = now - (now % ttl);
    const id = `${name}\u0000${key}`;
    let w = this.windows.get(id);
    if (!w) {
      w = { ttl, start, current: 0, previous: 0, blockedUntil: 0 };
      this.windows.set(id, w);
    } else if (w.start !== start) {
      w.previous = start - w.start === ttl ? w.current : 0;
      w.current = 0;
      w.start = start;
    }
    const timeToExpire = Math.ceil((start + ttl - now) / 1000);
    if (w.blockedUntil > now) {
      return {
        totalHits: limit + 1,
        timeToExpire,
        isBlocked: true,
        timeToBlockExpire: secondsUntil(w.blockedUntil, now),
      };
    }
    if (w.blockedUntil > 0) {
      // The block is over: the caller starts afresh, as with the default storage.
      w.blockedUntil = 0;
      w.previous = 0;
      w.current = 0;
    }
    const used = Math.floor(w.previous * (1 - (now - start) / ttl)) + w.current;
    if (used >= limit) {
      w.blockedUntil = now + blockDuration;
      return {
        totalHits: used + 1,
        timeToExpire,
        isBlocked: true,
        timeToBlockExpire: secondsUntil(w.blockedUntil, now),
      };
    }
    w.current += 1;
    return { totalHits: used + 1, timeToExpire, isBlocked: false, timeToBlockExpire: 0 };
  }

  /** How many callers it remembers (for tests). */
  get size(): number {
    return this.windows.size;
  }

  /** Forgets callers with no hit in the last two windows and no block running. */
  evictIdle(): void {
    const now = this.now();
    for (const [id, w] of this.windows) {
      if (w.start + 2 * w.ttl <= now && w.blockedUntil <= now) this.windows.delete(id);
    }
  }
}

function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}
