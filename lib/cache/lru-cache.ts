/**
 * The app's one in-process cache (issue 15): a least-recently-used map bounded by entry count and, when `sizeOf` is
 * given, by bytes; plus `getOrCompute`, which computes a missing value once however many callers ask meanwhile
 * (single flight) and stores it only when it resolves (a rejection is never cached, so the next caller tries
 * again). Every cache of the server uses it: versioned query results (results, smoothing), the packed reliability
 * bins, the paired-bootstrap significance, the recalibration flights and the HTTP response cache.
 *
 * Staleness is the caller's business and is handled by the key: a key carries the version of the data it was
 * computed from (lib/db/data-version.ts, or a row's computedAt), so a change of data makes old entries unreachable
 * and they age out of the LRU order.
 */
export interface LruOptions<V> {
  /** Most entries kept (≥ 1). */
  maxEntries: number;
  /** Most bytes kept (by `sizeOf`); unbounded when absent. */
  maxBytes?: number;
  sizeOf?: (value: V) => number;
  /** Whether an entry may be evicted to make room (default: every entry); pinned ones stay past the bounds. */
  evictable?: (value: V) => boolean;
}

interface Entry<V> {
  value: V;
  bytes: number;
}

export class LruCache<V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<string, Entry<V>>();
  private readonly flights = new Map<string, Promise<V>>();
  private bytes = 0;

  constructor(private readonly opts: LruOptions<V>) {
    if (!(opts.maxEntries >= 1)) throw new RangeError(`maxEntries must be ≥ 1, got ${opts.maxEntries}`);
  }

  /** The value, marked as most recently used; undefined when absent. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, value: V): void {
    this.delete(key);
    const bytes = this.opts.sizeOf ? this.opts.sizeOf(value) : 0;
    // A value larger than the whole budget is not kept (it would evict everything and then itself).
    if (this.opts.maxBytes !== undefined && bytes > this.opts.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    this.evict();
  }

  delete(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    this.bytes -= e.bytes;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  /**
   * The cached value for `key`, or `compute()`'s: identical calls while it runs share it; it is stored when it
   * resolves and `keep(value)` allows (default: always); a rejection reaches every waiter and is not stored.
   */
  getOrCompute(key: string, compute: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    const e = this.entries.get(key);
    if (e) return Promise.resolve(this.get(key) as V);
    let flight = this.flights.get(key);
    if (!flight) {
      flight = Promise.resolve()
        .then(compute)
        .then((value) => {
          if (keep(value)) this.set(key, value);
          return value;
        });
      const settle = () => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      };
      flight.then(settle, settle);
      this.flights.set(key, flight);
    }
    return flight;
  }

  private evict(): void {
    const over = () =>
      this.entries.size > this.opts.maxEntries ||
      (this.opts.maxBytes !== undefined && this.bytes > this.opts.maxBytes);
    if (!over()) return;
    for (const [key, e] of this.entries) {
      if (!over()) break;
      if (this.opts.evictable && !this.opts.evictable(e.value)) continue;
      this.entries.delete(key);
      this.bytes -= e.bytes;
    }
  }
}
