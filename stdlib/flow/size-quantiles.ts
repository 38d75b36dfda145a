/**
 * Rolling quantiles of trade sizes for flow.block. PER-EVENT CODE: insert/remove/quantile are
 * O(log SMALL_SIZE_LIMIT) for integer sizes below the limit (a Fenwick tree of counts), and a
 * binary search plus one typed-array block move for the rare larger or fractional sizes (kept
 * sorted apart). Nothing allocates except the sorted part growing past its high-water mark.
 */
import { SortedWindow } from "./sorted-window.js";

/** Integer sizes in [0, SMALL_SIZE_LIMIT) go to the Fenwick tree; others to the sorted array. */
export const SMALL_SIZE_LIMIT = 1 << 14;

/** A multiset of trade sizes answering type-7 quantiles (see the file comment for costs). */
export class SizeQuantiles {
  /** Fenwick tree over counts of sizes 0 … SMALL_SIZE_LIMIT − 1 (index = size + 1). */
  private readonly tree = new Int32Array(SMALL_SIZE_LIMIT + 1);
  /** Sizes that are fractional or ≥ SMALL_SIZE_LIMIT, sorted. */
  private readonly large: SortedWindow;
  private small = 0;
  /** The quantile `evaluate()` computes, in [0, 1]. */
  readonly q: number;
  /** Argument of insert()/remove() (fields, not parameters: a call V8 does not inline boxes doubles). */
  arg = Number.NaN;
  /** Result of evaluate(): the q-quantile, NaN when empty. */
  result = Number.NaN;
  /** Result of kth(). */
  kthValue = Number.NaN;

  constructor(q: number, initialLargeCapacity = 64) {
    this.q = q;
    this.large = new SortedWindow(initialLargeCapacity);
  }

  /** Number of sizes held. */
  get count(): number {
    return this.small + this.large.count;
  }

  /** Adds the size in `arg`. */
  insert(): void {
    const x = this.arg;
    if (x >= 0 && x < SMALL_SIZE_LIMIT && Number.isInteger(x)) {
      for (let i = x + 1; i <= SMALL_SIZE_LIMIT; i += i & -i) this.tree[i]++;
      this.small++;
    } else this.large.insert(x);
  }

  /** Removes one copy of the size in `arg` (added before). */
  remove(): void {
    const x = this.arg;
    if (x >= 0 && x < SMALL_SIZE_LIMIT && Number.isInteger(x)) {
      for (let i = x + 1; i <= SMALL_SIZE_LIMIT; i += i & -i) this.tree[i]--;
      this.small--;
    } else this.large.remove(x);
  }

  /** Sets `kthValue` to the k-th smallest size (0-based, k < count). */
  kth(k: number): void {
    // Small sizes are integers below the limit, but fractional large ones may be smaller.
    const large = this.large;
    if (large.count === 0 || this.small === 0 || large.values[0] >= SMALL_SIZE_LIMIT) {
      this.kthValue = k < this.small ? this.smallKth(k) : large.values[k - this.small];
    } else {
      this.kthValue = this.mergedKth(k);
    }
  }

  /** Sets `result` to the q-quantile with linear interpolation (Hyndman–Fan type 7); NaN when empty. */
  evaluate(): void {
    const m = this.count;
    if (m === 0) {
      this.result = Number.NaN;
      return;
    }
    const h = this.q * (m - 1);
    const lo = Math.floor(h);
    this.kth(lo);
    const a = this.kthValue;
    if (lo >= m - 1 || h === lo) {
      this.result = a;
      return;
    }
    this.kth(lo + 1);
    this.result = a + (h - lo) * (this.kthValue - a);
  }

  /** Empties the multiset. */
  clear(): void {
    this.tree.fill(0);
    this.small = 0;
    this.large.clear();
  }

  /** k-th smallest of the small sizes: Fenwick descent. */
  private smallKth(k: number): number {
    let pos = 0;
    let rem = k + 1;
    for (let step = SMALL_SIZE_LIMIT; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= SMALL_SIZE_LIMIT && this.tree[next] < rem) {
        pos = next;
        rem -= this.tree[next];
      }
    }
    return pos; // index pos + 1 holds size pos
  }

  /** k-th smallest when the large part holds values inside the small range (fractional sizes). */
  private mergedKth(k: number): number {
    // Binary search on how many of the sorted large values come first (i), taking the rest from
    // the small sizes: the answer is the smaller of the two candidates at the boundary.
    const v = this.large.values;
    const nl = this.large.count;
    const ns = this.small;
    let lo = Math.max(0, k + 1 - ns);
    let hi = Math.min(nl, k + 1);
    // Find i (large values taken) with j = k + 1 − i small values so that both sides are sorted.
    while (lo < hi) {
      const i = (lo + hi) >> 1;
      const j = k + 1 - i;
      // If the (i)-th large value (0-based) is smaller than the j-th small (1-based), take more large.
      if (j > 0 && v[i] < this.smallKth(j - 1)) lo = i + 1;
      else hi = i;
    }
    const i = lo;
    const j = k + 1 - i;
    const a = i > 0 ? v[i - 1] : -Infinity;
    const b = j > 0 ? this.smallKth(j - 1) : -Infinity;
    return a > b ? a : b;
  }
}
