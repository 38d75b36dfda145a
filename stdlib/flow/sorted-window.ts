/**
 * A multiset of numbers kept sorted in a typed array, for rolling quantiles. PER-EVENT CODE:
 * insert/remove are a binary search (O(log n) compares) plus one `copyWithin` block move; nothing
 * allocates except `grow()`, which runs only when the multiset is larger than ever before.
 */

/** Sorted multiset with linear-interpolation quantiles (Hyndman–Fan type 7, numpy's default). */
export class SortedWindow {
  /** The values, ascending, in [0, count). */
  values: Float64Array;
  /** Number of values held. */
  count = 0;

  constructor(initialCapacity: number) {
    this.values = new Float64Array(Math.max(16, initialCapacity));
  }

  /** Adds x (NaN is refused by the callers, never stored). */
  insert(x: number): void {
    if (this.count === this.values.length) this.grow();
    const v = this.values;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    v.copyWithin(lo + 1, lo, this.count);
    v[lo] = x;
    this.count++;
  }

  /** Removes one copy of x, which must be present. */
  remove(x: number): void {
    const v = this.values;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    v.copyWithin(lo, lo + 1, this.count);
    this.count--;
  }

  /** The q-quantile (0 ≤ q ≤ 1) of the values; NaN when empty. */
  quantile(q: number): number {
    const m = this.count;
    if (m === 0) return Number.NaN;
    const h = q * (m - 1);
    const lo = Math.floor(h);
    const v = this.values;
    if (lo >= m - 1) return v[m - 1];
    return v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
  }

  /** Empties the multiset. */
  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    const next = new Float64Array(this.values.length * 2);
    next.set(this.values.subarray(0, this.count));
    this.values = next;
  }
}
