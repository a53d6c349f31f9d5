import type { Caller } from '../organisations/organisations.service';

/** What Postgres holds of a valid (unrevoked) API key. */
export interface StoredKey {
  secretHash: string;
  caller: Caller;
}

/**
 * API keys this process verified recently, by prefix, so a client's burst of requests costs one Postgres round
 * trip per key every few seconds instead of one per request (on a busy API the lookup is a good part of a request's
 * CPU), and requests arriving together share one lookup. It holds the stored hash, never the key: every request
 * still checks its secret. Revocations through this process evict at once; one made elsewhere (the admin command,
 * another API replica, SQL) takes effect within `ttlMs`.
 */
export class VerifiedKeyCache {
  private readonly entries = new Map<string, StoredKey & { expiresAt: number }>();
  private readonly lookups = new Map<string, Promise<StoredKey | undefined>>();
  private revocations = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The valid key with this prefix: remembered if younger than the TTL, else from `lookUp`. */
  get(prefix: string, lookUp: (prefix: string) => Promise<StoredKey | undefined>): Promise<StoredKey | undefined> {
    const entry = this.entries.get(prefix);
    if (entry && entry.expiresAt > this.now()) return Promise.resolve(entry);
    let pending = this.lookups.get(prefix);
    if (!pending) {
      const revocations = this.revocations;
      pending = lookUp(prefix)
        .then((found) => {
          // A key revoked here while Postgres answered may be in the answer as valid: not remembered then.
          if (found && revocations === this.revocations) this.remember(prefix, found);
          return found;
        })
        .finally(() => this.lookups.delete(prefix));
      this.lookups.set(prefix, pending);
    }
    return pending;
  }

  /** Drops the key (on revocation); lookups under way when it happens are not remembered. */
  forget(prefix: string): void {
    this.entries.delete(prefix);
    this.revocations++;
  }

  private remember(prefix: string, key: StoredKey): void {
    if (this.ttlMs <= 0) return;
    // Bounded without bookkeeping: only keys that verified get here, so a full map means many live keys, and
    // starting over costs each of them one more lookup.
    if (this.entries.size >= this.maxEntries && !this.entries.has(prefix)) this.entries.clear();
    this.entries.set(prefix, { ...key, expiresAt: this.now() + this.ttlMs });
  }
}
