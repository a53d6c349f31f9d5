import type { Caller } from '../organisations/organisations.service';

interface VerifiedKey {
  secretHash: string;
  caller: Caller;
  expiresAt: number;
}

/**
 * API keys this process verified recently, by prefix, so a client's burst of requests costs one Postgres round
 * trip per key every few seconds instead of one per request (on a busy API the lookup is a good part of a request's
 * CPU). It holds the stored hash, never the key: every request still checks its secret. Revocations through this process evict
 * at once; one made elsewhere (the admin command, another API replica, SQL) takes effect within `ttlMs`.
 */
export class VerifiedKeyCache {
  private readonly entries = new Map<string, VerifiedKey>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The verified key with this prefix, unless it is older than the TTL. */
  get(prefix: string): Omit<VerifiedKey, 'expiresAt'> | undefined {
    const entry = this.entries.get(prefix);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(prefix);
      return undefined;
    }
    return entry;
  }

  remember(prefix: string, secretHash: string, caller: Caller): void {
    if (this.ttlMs <= 0) return;
    // Bounded without bookkeeping: only keys that verified get here, so a full map means many live keys, and
    // starting over costs each of them one more lookup.
    if (this.entries.size >= this.maxEntries && !this.entries.has(prefix)) this.entries.clear();
    this.entries.set(prefix, { secretHash, caller, expiresAt: this.now() + this.ttlMs });
  }

  forget(prefix: string): void {
    this.entries.delete(prefix);
  }
}
