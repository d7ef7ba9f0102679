/**
 * Promises kept by key for a fixed time, for look-ups that several requests in a row need (a
 * page's requests asking the catalog the same question):
 *
 * - concurrent callers of one key wait for the same promise;
 * - a promise that rejects is not kept;
 * - every entry lives `ttlMs`, so the oldest inserted expire first: expired entries are dropped
 *   from the front on every look-up, and never linger (a caller's readable refs or a root
 *   group's accounts are tens of thousands of strings);
 * - at most `maxEntries` are kept, the oldest dropped first.
 */
export class PromiseCache {
  private readonly entries = new Map<
    string,
    { expiresAt: number; value: Promise<unknown> }
  >();

  constructor(
    private readonly options: {
      ttlMs: number;
      maxEntries: number;
      now: () => number;
    },
  ) {}

  /** The kept promise of `key`, or `resolve()`'s, kept. No key, or a TTL of 0: not kept. */
  get<T>(key: string | undefined, resolve: () => Promise<T>): Promise<T> {
    const { ttlMs, maxEntries, now: clock } = this.options;
    if (key === undefined || ttlMs <= 0) return resolve();
    const now = clock();
    for (const [oldest, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(oldest);
    }
    const kept = this.entries.get(key);
    if (kept && kept.expiresAt > now) return kept.value as Promise<T>;

    const value = resolve();
    this.entries.delete(key); // re-inserted last: the order stays the order of expiry
    this.entries.set(key, { expiresAt: now + ttlMs, value });
    while (this.entries.size > maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** How many entries are kept now. */
  get size(): number {
    return this.entries.size;
  }
}
